import { WebhookVerificationError } from '../errors.js';
import { fastCipPaid } from './_internal/fast-path.js';
import { isJsonObject } from './_internal/keys.js';
import { malformed } from './_internal/malformed.js';
import { CIP_PAID, type WebhookEvent } from './events.js';

let utf8: TextDecoder | undefined;

/** Decode the raw body; invalid UTF-8 cannot be a PagoEfectivo notification. */
export function decodeBody(body: Uint8Array): string {
  utf8 ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return utf8.decode(body);
  } catch (error) {
    throw malformed('The webhook body is not valid UTF-8 text.', [{ path: '', message: 'invalid UTF-8' }], error);
  }
}

/**
 * Parse and validate notification text (already verified, or trusted). Internal: `verifyWebhook`
 * calls it after the signature check; {@link parseWebhookEvent} is the public door.
 *
 * The usual `cip.paid` takes the hand-written fast path and returns synchronously; anything else (or
 * invalid) goes through the valibot schemas, loaded on first need, and returns a promise.
 */
export function parseEventText(text: string): WebhookEvent | Promise<WebhookEvent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformed('The webhook body is not valid JSON.', [{ path: '', message: 'invalid JSON' }], error);
  }
  if (!isJsonObject(parsed)) {
    throw malformed('The webhook body must be a JSON object.', [{ path: '', message: 'expected a JSON object' }]);
  }
  if (parsed.eventType === CIP_PAID) {
    const event = fastCipPaid(text, parsed);
    if (event !== null) return event;
  }
  const object = parsed;
  return import('./_internal/schema-path.js').then((schemaPath) => schemaPath.parseNotification(text, object));
}

/**
 * Parse a notification body WITHOUT verifying its signature, into the same typed event as
 * `verifyWebhook`.
 *
 * Only for bodies whose signature was already verified (e.g. by the HTTP receiver that queued them):
 * anyone can forge an unverified body. Pass the raw text or bytes, not parsed JSON, so amounts stay exact.
 *
 * @throws {WebhookVerificationError} `body_not_raw` for anything but a string or bytes;
 * `malformed_payload` (with `details.issues`) for invalid JSON, missing fields or a bad amount.
 */
export async function parseWebhookEvent(body: string | Uint8Array): Promise<WebhookEvent> {
  if (typeof body === 'string') return parseEventText(body);
  if (body instanceof Uint8Array) return parseEventText(decodeBody(body));
  throw new WebhookVerificationError(
    'body_not_raw',
    'parseWebhookEvent needs the notification as received: a string or a Uint8Array, not parsed JSON.',
  );
}
