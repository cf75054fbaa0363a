import { ConfigurationError, ValidationError } from '../errors.js';
import type { CashCode } from '../model/code.js';

/**
 * The Ed25519 key that signs voucher tokens for issued codes: the `kid` and `secretKey` of
 * `generateVoucherKeys()` from `pagoefectivo-kit/voucher/token` (its `publicKey` may be passed along
 * and is ignored). Verify the tokens with `verifyVoucherToken(token, publicKey)`.
 */
export interface VoucherSigningKey {
  /** Key id written into every token (1–32 of `A-Z a-z 0-9 . _ -`), so verifiers can rotate keys. */
  readonly kid: string;
  /** base64url of the 32-byte Ed25519 seed (43 characters). Secret: never logged or shown. */
  readonly secretKey: string;
}

/** Signs a committed code into a voucher token (internal). */
export interface VoucherSigner {
  /** Refuse, before any store or API call, an order id the token format cannot carry. */
  checkOrderId(orderId: string): void;
  /** The signed voucher token of a code that has a CIP. */
  sign(code: CashCode): Promise<string>;
}

const KID = /^[A-Za-z0-9._-]{1,32}$/;
// 32 bytes in canonical unpadded base64url: 42 free characters, then one whose two low bits are zero.
const SEED = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
/** The longest order id a voucher token carries (UTF-8 bytes); see `voucher/_internal/token-codec.ts`. */
const MAX_ORDER_ID_BYTES = 64;

/**
 * Check `voucherKey` eagerly (so a typo fails at start-up, not after a CIP was created) and build the
 * signer. The token module is imported lazily on first use, so the root entry stays light.
 *
 * @throws {ConfigurationError} `config_invalid` naming the bad field, never echoing the secret.
 */
export function createVoucherSigner(key: VoucherSigningKey | undefined, now: () => Date): VoucherSigner | null {
  if (key === undefined) return null;
  if (typeof key !== 'object' || key === null || typeof key.kid !== 'string' || !KID.test(key.kid)) {
    throw new ConfigurationError(
      'voucherKey.kid must be 1–32 of A-Z a-z 0-9 . _ - (use generateVoucherKeys() from pagoefectivo-kit/voucher/token).',
    );
  }
  if (typeof key.secretKey !== 'string' || !SEED.test(key.secretKey.trim())) {
    throw new ConfigurationError(
      'voucherKey.secretKey must be the 43-character base64url seed from generateVoucherKeys() (pagoefectivo-kit/voucher/token).',
    );
  }
  const { kid } = key;
  const secretKey = key.secretKey.trim();
  let module: Promise<typeof import('../voucher/token.js')> | null = null;
  return {
    checkOrderId(orderId) {
      if (new TextEncoder().encode(orderId).length <= MAX_ORDER_ID_BYTES) return;
      throw new ValidationError(
        `Invalid issue input: orderId is longer than ${MAX_ORDER_ID_BYTES} bytes, which a signed voucher token cannot carry.`,
        [{ path: 'orderId', message: `must be at most ${MAX_ORDER_ID_BYTES} bytes when voucherKey is set` }],
      );
    },
    async sign(code) {
      module ??= import('../voucher/token.js').catch((error: unknown) => {
        module = null;
        throw error;
      });
      const { createVoucherToken } = await module;
      return createVoucherToken(code, secretKey, { kid, issuedAt: now() });
    },
  };
}
