/**
 * The schema path of notification parsing: key spellings, unknown event types, exact amounts and
 * valibot validation with detailed issues. Loaded on demand (`import()`) the first time a notification
 * misses the fast path, so importing `pagoefectivo-kit/webhooks` never pays for valibot up front.
 */
import * as v from 'valibot';
import type { ValidationIssue } from '../../errors.js';
import { CIP_PAID, type WebhookEvent } from '../events.js';
import { CipPaidNotificationSchema, WebhookEnvelopeSchema } from '../schemas.js';
import { memberText, uniqueKeyValueText } from './json-number.js';
import { canonicalNotification, isJsonObject } from './keys.js';
import { malformed } from './malformed.js';

function toIssues(issues: readonly v.BaseIssue<unknown>[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
}

/**
 * Parse `text` (whose `JSON.parse` is `parsed`) through the schemas. Also used by the tests that prove
 * the fast path equivalent to it.
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
