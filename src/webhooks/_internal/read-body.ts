/**
 * Reads a web `Request` body with a size limit enforced while reading, so a client that lies about
 * (or omits) `Content-Length` still cannot make the handler buffer more than the limit.
 */
import { WebhookVerificationError } from '../../errors.js';

/** The `body_too_large` error, saying which limit applies and how to raise it. */
export function bodyTooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_too_large',
    `The webhook body exceeds ${limit} bytes; PagoEfectivo notifications are well under 1 KB. ` +
      'Raise maxBodyBytes only if you are sure.',
    { details: { maxBodyBytes: limit } },
  );
}

/**
 * Whether the declared `Content-Length` already exceeds `limit` (a malformed header is left to the
 * streaming check).
 */
export function declaresTooMuch(contentLength: string | null | undefined, limit: number): boolean {
  if (contentLength === null || contentLength === undefined || contentLength === '') return false;
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * The whole body as bytes.
 * @throws {WebhookVerificationError} `body_too_large` as soon as more than `limit` bytes arrived.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop the transfer instead of draining an attacker's stream.
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
