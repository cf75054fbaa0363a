/**
 * The canonical binary encoding of a voucher token's claims (format version 1).
 *
 * ```
 * u8      version = 1
 * u8 n    kid length (1–32), then n ASCII bytes of [A-Za-z0-9._-]
 * u8 n    CIP length (1–20), then n ASCII digits
 * u8 n    order id length (1–64), then n bytes of UTF-8
 * varint  amount in minor units (unsigned LEB128, minimal, 1 … 2^53 − 1)
 * u8      currency (1 = PEN, 2 = USD)
 * u32     expiry, seconds since the Unix epoch (big-endian)
 * u32     issue time, seconds since the Unix epoch (big-endian)
 * ```
 *
 * Decoding refuses anything that {@link encodeClaims} would not produce (trailing bytes, overlong
 * varints, invalid UTF-8), so one set of claims has exactly one encoding.
 */
import type { Currency } from '../../money/index.js';

/** The current token format version. */
export const TOKEN_VERSION = 1;

/** The signed fields of a voucher token. Times are whole seconds. */
export interface TokenClaims {
  v: number;
  kid: string;
  cip: string;
  orderId: string;
  amountMinor: number;
  currency: Currency;
  expiresAt: Date;
  issuedAt: Date;
}

/** Valid key ids: 1–32 of `A-Z a-z 0-9 . _ -`. */
export const KID_PATTERN: RegExp = /^[A-Za-z0-9._-]{1,32}$/;
/** Valid CIP numbers in a token: 1–20 digits (PagoEfectivo issues up to 14). */
export const CIP_PATTERN: RegExp = /^\d{1,20}$/;
/** Longest order id, in UTF-8 bytes. */
export const MAX_ORDER_ID_BYTES = 64;

const CURRENCY_CODES: Record<Currency, number> = { PEN: 1, USD: 2 };
const CURRENCY_BY_CODE: readonly (Currency | undefined)[] = [undefined, 'PEN', 'USD'];
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encode claims that were already validated by the caller (see `token.ts`). */
export function encodeClaims(claims: TokenClaims): Uint8Array {
  const kid = encoder.encode(claims.kid);
  const cip = encoder.encode(claims.cip);
  const orderId = encoder.encode(claims.orderId);
  const out: number[] = [claims.v, kid.length, ...kid, cip.length, ...cip, orderId.length, ...orderId];
  let amount = claims.amountMinor;
  while (amount >= 0x80) {
    out.push((amount % 0x80) | 0x80);
    amount = Math.floor(amount / 0x80);
  }
  out.push(amount, CURRENCY_CODES[claims.currency]);
  for (const date of [claims.expiresAt, claims.issuedAt]) {
    const seconds = Math.floor(date.getTime() / 1000);
    out.push((seconds >>> 24) & 0xff, (seconds >>> 16) & 0xff, (seconds >>> 8) & 0xff, seconds & 0xff);
  }
  return Uint8Array.from(out);
}

/** Why {@link decodeClaims} refused the bytes. */
export type DecodeFailure = 'malformed' | 'version';

/** Decode canonical claims, or say why not. */
export function decodeClaims(bytes: Uint8Array): TokenClaims | DecodeFailure {
  if (bytes.length === 0) return 'malformed';
  if (bytes[0] !== TOKEN_VERSION) return 'version';
  let at = 1;
  const field = (max: number): Uint8Array | null => {
    const length = bytes[at];
    if (length === undefined || length < 1 || length > max || at + 1 + length > bytes.length) return null;
    const value = bytes.subarray(at + 1, at + 1 + length);
    at += 1 + length;
    return value;
  };
  const kidBytes = field(32);
  const cipBytes = field(20);
  const orderBytes = field(MAX_ORDER_ID_BYTES);
  if (!kidBytes || !cipBytes || !orderBytes) return 'malformed';
  let orderId: string;
  try {
    orderId = strictDecoder.decode(orderBytes);
  } catch {
    return 'malformed';
  }
  const kid = String.fromCharCode(...kidBytes);
  const cip = String.fromCharCode(...cipBytes);
  if (!KID_PATTERN.test(kid) || !CIP_PATTERN.test(cip)) return 'malformed';
  let amountMinor = 0;
  let scale = 1;
  for (let count = 0; ; count++) {
    const byte = bytes[at++];
    if (byte === undefined || count === 8) return 'malformed';
    amountMinor += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && count > 0) return 'malformed'; // overlong
      break;
    }
  }
  if (amountMinor < 1 || !Number.isSafeInteger(amountMinor)) return 'malformed';
  const currency = CURRENCY_BY_CODE[bytes[at++] ?? 0];
  if (!currency || at + 8 !== bytes.length) return 'malformed';
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  return {
    v: TOKEN_VERSION,
    kid,
    cip,
    orderId,
    amountMinor,
    currency,
    expiresAt: new Date(view.getUint32(0) * 1000),
    issuedAt: new Date(view.getUint32(4) * 1000),
  };
}
