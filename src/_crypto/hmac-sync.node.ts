/**
 * Node implementation of the synchronous HMAC seam (node:crypto), same export as `hmac-sync.ts`.
 * node:crypto is loaded on first use (`process.getBuiltinModule`, synchronous on Node ≥ 20.16).
 */
import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/** Lowercase hex HMAC-SHA256 of `message` keyed with the UTF-8 bytes of `secret`, synchronously. */
export function hmacSha256HexSync(secret: string, message: string | Uint8Array): string {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded.createHmac('sha256', secret).update(message).digest('hex');
}
