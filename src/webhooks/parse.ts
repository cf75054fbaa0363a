import * as v from 'valibot';
import { type ValidationIssue, WebhookVerificationError } from '../errors.js';
import { fastCipPaid } from './_internal/fast-path.js';
import { memberText, uniqueKeyValueText } from './_internal/json-number.js';
import { canonicalNotification, isJsonObject } from './_internal/keys.js';
import { CIP_PAID, CipPaidNotificationSchema, WebhookEnvelopeSchema, type WebhookEvent } from './schemas.js';

function malformed(message: string, issues: ValidationIssue[], cause?: unknown): WebhookVerificationError {
  return new WebhookVerificationError('malformed_payload', message, { cause, details: { issues } });
}

function toIssues(issues: readonly v.BaseIssue<unknown>[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
}

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
 */
export function parseEventText(text: string): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformed('The webhook body is not valid JSON.', [{ path: '', message: 'invalid JSON' }], error);
  }
  if (!isJsonObject(parsed)) {
    throw malformed('The webhook body must be a JSON object.', [{ path: '', message: 'expected a JSON object' }]);
  }
  // The usual notification takes the hand-written fast path; anything else (or invalid) gets the schema.
  if (parsed.eventType === CIP_PAID) {
    const event = fastCipPaid(text, parsed);
    if (event !== null) return event;
  }
  return parseNotification(text, parsed);
}

/**
 * The schema path of {@link parseEventText}: key spellings, unknown event types, exact amounts and
 * valibot validation with detailed issues. `parsed` is `JSON.parse(text)`. Exported for the tests
 * that prove the fast path equivalent to it.
 */
export function parseNotification(text: string, parsed: Record<string, unknown>): WebhookEvent {
  const canonical = canonicalNotification(parsed);
  const eventType = canonical.value.eventType;
  if (typeof eventType !== 'string' || eventType === '') {
    // The schema only runs on this error path, to word the issue; the check above is the fast path.
    const envelope = v.safeParse(WebhookEnvelopeSchema, canonical.value);
    const issues = envelope.success ? [{ path: 'eventType', message: 'must not be empty' }] : toIssues(envelope.issues);
    throw malformed('The webhook body has no usable "eventType".', issues);
  }
  if (eventType !== CIP_PAID && eventType.trim().toLowerCase() !== CIP_PAID) {
    return { type: 'unknown', eventType, raw: parsed };
  }
  if (canonical.ambiguous.length > 0) {
    const issues = canonical.ambiguous.map((path) => ({ path, message: 'several keys differ only by letter case' }));
    throw malformed(`Ambiguous keys in the notification: ${canonical.ambiguous.join(', ')}.`, issues);
  }
  const data = canonical.value.data;
  if (isJsonObject(data) && typeof data.amount === 'number') {
    // Money from digits, not from the float: read the number token exactly as it was signed.
    const amountKey = canonical.amountKey as string;
    const token = uniqueKeyValueText(text, amountKey) ?? memberText(text, [canonical.dataKey as string, amountKey]);
    if (token === null || Number(token) !== data.amount) {
      throw malformed('The amount could not be read exactly from the body.', [
        { path: 'data.amount', message: 'unreadable number' },
      ]);
    }
    data.amount = token;
  }
  const result = v.safeParse(CipPaidNotificationSchema, canonical.value);
  if (!result.success) {
    const issues = toIssues(result.issues);
    const where = issues.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; ');
    throw malformed(`The cip.paid notification is invalid: ${where}.`, issues);
  }
  return { type: 'cip.paid', ...result.output, raw: parsed };
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
export function parseWebhookEvent(body: string | Uint8Array): WebhookEvent {
  if (typeof body === 'string') return parseEventText(body);
  if (body instanceof Uint8Array) return parseEventText(decodeBody(body));
  throw new WebhookVerificationError(
    'body_not_raw',
    'parseWebhookEvent needs the notification as received: a string or a Uint8Array, not parsed JSON.',
  );
}
