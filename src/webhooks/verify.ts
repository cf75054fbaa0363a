import { hmacSha256Verify, hmacSha256VerifySync } from '../_crypto/hmac.js';
import { createVerifier, type VerifyWebhookOptions, type WebhookVerifier } from './_internal/verifier.js';
import type { CipPaidEvent, UnknownWebhookEvent, WebhookEvent } from './events.js';

let verifier: WebhookVerifier | undefined;

/**
 * Verify a PagoEfectivo payment notification and parse it into a typed event.
 *
 * Checks, in order: a usable `secretKey` (a string, or a non-empty array while rotating); a raw body
 * (string or bytes, never parsed JSON); a `PE-Signature` of 64 hex characters; the HMAC-SHA256 of the
 * raw body under one of the secrets, compared case-insensitively in constant time. Then the JSON is
 * validated: `cip.paid` becomes a {@link CipPaidEvent} whose `amountMinor` is read from the number's
 * digits (never a float); any other `eventType` becomes an {@link UnknownWebhookEvent}.
 *
 * PagoEfectivo's signature covers no timestamp, so a captured notification can be replayed: dedupe on
 * `cip` + `operationNumber` (as `createWebhookHandler` does) and rely on the code's state machine.
 *
 * @example
 * const event = await verifyWebhook({ body: await request.text(), headers: request.headers, secretKey });
 * if (event.type === 'cip.paid') await codes.applyPayment(event);
 *
 * @throws {WebhookVerificationError} with `code` `secret_missing`, `body_not_raw`, `signature_missing`,
 * `signature_malformed`, `signature_mismatch` or `malformed_payload` (issues in `details.issues`).
 */
export function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  verifier ??= createVerifier(hmacSha256Verify, hmacSha256VerifySync);
  return verifier(options);
}
