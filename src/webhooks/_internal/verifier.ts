/**
 * The verification pipeline, parameterised by the crypto seam so that one test suite can run it with
 * both the node:crypto and the WebCrypto implementation. The public `verifyWebhook` binds the seam
 * the build selected (`../../_crypto/hmac.js`).
 */
import { WebhookVerificationError } from '../../errors.js';
import { decodeBody, parseEventText } from '../parse.js';
import type { WebhookEvent } from '../schemas.js';
import { type HeadersLike, normalizeSecrets, rawBody, signatureOf } from './inputs.js';

/** The seam's verify function: index of the matching secret, or -1. */
export type HmacVerify = (
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
) => Promise<number>;

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /** The raw request body exactly as received: a string or bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`). */
  body: string | Uint8Array | ArrayBuffer;
  /** The `PE-Signature` header value. Optional when `headers` is given. */
  signature?: string | null;
  /** The request headers (a `Headers` object or Node's `req.headers`); `PE-Signature` is read from them. */
  headers?: HeadersLike;
  /** The service's secretKey, or several while rotating (any of them may match). */
  secretKey: string | readonly string[];
}

/** Verifies a notification and resolves to its typed event. */
export type WebhookVerifier = (options: VerifyWebhookOptions) => Promise<WebhookEvent>;

/** A verifier whose secrets were checked once, for handlers that verify many requests. */
export type PreparedVerifier = (
  body: string | Uint8Array,
  signature: string | null | undefined,
) => Promise<WebhookEvent>;

function mismatch(): WebhookVerificationError {
  return new WebhookVerificationError(
    'signature_mismatch',
    'The PE-Signature does not match the body. Check that the body is the raw request body exactly as ' +
      'received (not re-serialised JSON) and that secretKey is the current secretKey of this service.',
  );
}

/** Verification with pre-normalised secrets: the per-request hot path. */
export function prepareVerifier(verifyHmac: HmacVerify, secrets: readonly string[]): PreparedVerifier {
  return async (body, signature) => {
    const raw = rawBody(body);
    const signatureHex = signatureOf(signature, undefined);
    if ((await verifyHmac(secrets, raw, signatureHex)) < 0) throw mismatch();
    return parseEventText(typeof raw === 'string' ? raw : decodeBody(raw));
  };
}

/** Build `verifyWebhook` on top of one HMAC implementation. */
export function createVerifier(verifyHmac: HmacVerify): WebhookVerifier {
  return async (options) => {
    // A JavaScript caller may pass nothing at all: that reads as "no secret", the first thing checked.
    const { body, signature, headers, secretKey } = options ?? ({} as Partial<VerifyWebhookOptions>);
    const secrets = normalizeSecrets(secretKey);
    const raw = rawBody(body);
    const signatureHex = signatureOf(signature, headers);
    if ((await verifyHmac(secrets, raw, signatureHex)) < 0) throw mismatch();
    return parseEventText(typeof raw === 'string' ? raw : decodeBody(raw));
  };
}
