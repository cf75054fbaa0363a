/** Response helpers of the console: security headers on every answer, cookies, bounded body reads. */

/** Security headers of every console response (pages add their CSP nonce-free policy here too). */
export function securityHeaders(): Record<string, string> {
  return {
    // Scripts and styles come only from the console's own asset routes: no inline code runs at all.
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Not no-referrer: with it, browsers send `Origin: null` on same-origin form posts, which the CSRF check refuses.
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** A response with the security headers; pages with data are never cached. */
export function respond(
  status: number,
  body: BodyInit | null,
  headers: Record<string, string> = {},
  cookies: readonly string[] = [],
): Response {
  const all = new Headers({ 'cache-control': 'no-store', ...securityHeaders(), ...headers });
  for (const cookie of cookies) all.append('set-cookie', cookie);
  return new Response(body, { status, headers: all });
}

/** An HTML page. */
export function htmlResponse(status: number, html: string, cookies: readonly string[] = []): Response {
  return respond(status, html, { 'content-type': 'text/html; charset=utf-8' }, cookies);
}

/** A 303 redirect (after a POST, so a reload does not re-send it). */
export function redirect(location: string, cookies: readonly string[] = []): Response {
  return respond(303, null, { location }, cookies);
}

/** The value of cookie `name` in the request, or `null`. */
export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

/** Cookie attributes of the console: HttpOnly, SameSite=Strict, scoped to the mount path, Secure unless plain-http loopback. */
export interface CookieScope {
  path: string;
  secure: boolean;
}

/** A `Set-Cookie` value; `maxAgeSeconds` 0 deletes the cookie. */
export function cookie(name: string, value: string, scope: CookieScope, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=${scope.path}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${scope.secure ? '; Secure' : ''}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether the browser talks to us over plain http on a loopback host, the only case a cookie may go
 * without Secure. Judged from the `Origin` the browser sent (or, without one, the request URL), never
 * from `Host`: a TLS proxy in front of the console often forwards to `127.0.0.1` with that Host.
 */
export function isPlainLoopback(request: Request): boolean {
  const origin = request.headers.get('origin');
  let url: URL;
  try {
    url = new URL(origin !== null && origin !== 'null' ? origin : request.url);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Why a body could not be read. */
export type BodyFailure = 'too_large' | 'unreadable';

/**
 * Read at most `limit` bytes of the body. A declared or actual length over the limit stops the read
 * at once (no buffering of an oversized upload).
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array | BodyFailure> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return 'too_large';
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return 'too_large';
      }
      chunks.push(value);
    }
  } catch {
    return 'unreadable';
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Parse a urlencoded or multipart form body already read by {@link readBody}; `null` if it is neither. */
export async function parseForm(body: Uint8Array, contentType: string | null): Promise<FormData | null> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return null;
  try {
    return await new Response(body as BodyInit, { headers: { 'content-type': contentType as string } }).formData();
  } catch {
    return null;
  }
}
