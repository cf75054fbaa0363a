/**
 * CSRF defence for every state-changing request (anything but GET/HEAD): the `Origin` header must be
 * present and name this console's own origin, and the form must carry the session's CSRF token. A
 * cross-site page can send neither; `SameSite=Strict` on the session cookie is a third layer.
 */
import { constantTimeEqual } from '../_crypto/pbkdf2.js';

const encoder = new TextEncoder();

/** Whether a request needs the CSRF checks. */
export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * Whether the request's `Origin` is one of ours: the origin of the `Host` the browser used (adapters
 * such as `toNodeListener` rebuild the URL without the real host) or one listed in `allowedOrigins`
 * (a TLS proxy in front). An absent or `null` Origin is refused.
 */
export function originAllowed(request: Request, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin === null || origin === 'null') return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowedOrigins.includes(parsed.origin)) return true;
  const host = request.headers.get('host') ?? new URL(request.url).host;
  return parsed.host === host;
}

/** Whether the submitted token equals the expected one, in constant time. */
export function csrfTokenValid(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || expected.length === 0) return false;
  return constantTimeEqual(encoder.encode(given), encoder.encode(expected));
}
