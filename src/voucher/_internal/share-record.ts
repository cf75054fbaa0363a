/**
 * What a share link stores: the code's identity and a salted PBKDF2 hash of the passcode (never the
 * passcode, never the link token: the store key is the SHA-256 of the token).
 */
import { sha256Hex } from '../../_crypto/hmac.js';
import type { Currency } from '../../money/index.js';
import { decodeBase64url } from './base64url.js';

/** The stored record of a share link (JSON under {@link shareKeys}`.record`). */
export interface ShareRecord {
  v: 1;
  codeId: string;
  cip: string;
  orderId: string;
  amountMinor: number;
  currency: Currency;
  /** The code's expiry, ISO 8601. */
  codeExpiresAt: string;
  /** The link's expiry, epoch milliseconds. */
  expiresAt: number;
  /** base64url PBKDF2 salt (16 bytes) and derived key (32 bytes). */
  salt: string;
  hash: string;
  iterations: number;
}

/** Link tokens are 16 random bytes in base64url. */
export const SHARE_TOKEN_PATTERN: RegExp = /^[A-Za-z0-9_-]{22}$/;

/** The store keys of a link: its record and its failed-attempt counter. */
export async function shareKeys(token: string): Promise<{ record: string; attempts: string }> {
  const id = await sha256Hex(token);
  return { record: `voucher-share:${id}`, attempts: `voucher-share-attempts:${id}` };
}

/** Parse a stored record; `null` for anything that is not one (a foreign or corrupted value). */
export function parseShareRecord(text: string): ShareRecord | null {
  let value: Partial<ShareRecord>;
  try {
    value = JSON.parse(text) as Partial<ShareRecord>;
  } catch {
    return null;
  }
  const ok =
    value?.v === 1 &&
    typeof value.codeId === 'string' &&
    typeof value.cip === 'string' &&
    typeof value.orderId === 'string' &&
    Number.isSafeInteger(value.amountMinor) &&
    (value.currency === 'PEN' || value.currency === 'USD') &&
    typeof value.codeExpiresAt === 'string' &&
    Number.isSafeInteger(value.expiresAt) &&
    Number.isSafeInteger(value.iterations) &&
    (value.iterations as number) >= 1000 &&
    (value.iterations as number) <= 10_000_000 &&
    decodeBase64url(value.salt ?? '')?.length === 16 &&
    decodeBase64url(value.hash ?? '')?.length === 32;
  return ok ? (value as ShareRecord) : null;
}
