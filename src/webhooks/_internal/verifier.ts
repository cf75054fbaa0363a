/**
 * The verification pipeline, parameterised by the crypto seam so that one test suite can run it with
 * both the node:crypto and the WebCrypto implementation. The public `verifyWebhook` binds the seam
 * the build selected (`../../_crypto/hmac.js`). When the seam has a synchronous verify (node:crypto),
 * the whole verification runs synchronously inside one async function: one promise per call.
 */
import { WebhookVerificationError } from '../../errors.js';
import type { WebhookEvent } from '../events.js';
import { decodeBody, parseEventText } from '../parse.js';
import { type HeadersLike, normalizeSecrets, rawBody, signatureOf } from './inputs.js';

/** The seam's verify function: index of the matching secret, or -1. */
export type HmacVerify = (
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
) => Promise<number>;

/** The seam's synchronous verify, where the platform has one (node:crypto); same result as {@link HmacVerify}. */
export type HmacVerifySync = (secrets: readonly string[], message: string | Uint8Array, signatureHex: string) => number;

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

function eventOf(raw: string | Uint8Array): WebhookEvent | Promise<WebhookEvent> {
  return parseEventText(typeof raw === 'string' ? raw : decodeBody(raw));
}

/** Verification with pre-normalised secrets: the per-request hot path. */
export function prepareVerifier(
  verifyHmac: HmacVerify,
  secrets: readonly string[],
  verifyHmacSync: HmacVerifySync | null = null,
): PreparedVerifier {
  if (verifyHmacSync !== null) {
    return async (body, signature) => {
      const raw = rawBody(body);
      if (verifyHmacSync(secrets, raw, signatureOf(signature, undefined)) < 0) throw mismatch();
      return eventOf(raw);
    };
  }
  return async (body, signature) => {
    const raw = rawBody(body);
    const signatureHex = signatureOf(signature, undefined);
    if ((await verifyHmac(secrets, raw, signatureHex)) < 0) throw mismatch();
    return eventOf(raw);
  };
}

/**
 * Build `verifyWebhook` on top of one HMAC implementation, and its synchronous twin when the seam
 * has one. The checks and their order are the same either way.
 */
export function createVerifier(verifyHmac: HmacVerify, verifyHmacSync: HmacVerifySync | null = null): WebhookVerifier {
  if (verifyHmacSync !== null) {
    return async (options) => {
      // A JavaScript caller may pass nothing at all: that reads as "no secret", the first thing checked.
      const secrets = normalizeSecrets(options?.secretKey);
      const raw = rawBody(options.body);
      if (verifyHmacSync(secrets, raw, signatureOf(options.signature, options.headers)) < 0) throw mismatch();
      return eventOf(raw);
    };
  }
  return async (options) => {
    const { body, signature, headers, secretKey } = options ?? ({} as Partial<VerifyWebhookOptions>);
    const secrets = normalizeSecrets(secretKey);
    const raw = rawBody(body);
    const signatureHex = signatureOf(signature, headers);
    if ((await verifyHmac(secrets, raw, signatureHex)) < 0) throw mismatch();
    return eventOf(raw);
  };
}
