import { ValidationError } from '../errors.js';
import type { LifecycleEntry } from '../model/code.js';
import type { CodeEvent, EventSource } from '../model/events.js';
import { log, type ServiceContext } from './_context.js';
import { record } from './lifecycle.js';

/** An authentic notification of a type the SDK does not know (see `CashCodes.recordUnknownNotification`). */
export interface UnknownNotification {
  /** The notification's type as sent (e.g. `cip.reversed`). */
  eventType: string;
  /** The raw body as received (kept whole in the log: the type is undocumented, every field may matter). */
  body: string;
  /** The CIP it names, when it names one. */
  cip?: string | null;
  /** Where it came from (default `webhook`). */
  source?: EventSource;
}

/** Far above any webhook body limit a merchant would set (the handler's default is 64 KiB). */
const MAX_BODY = 1024 * 1024;

/** A short, stable fingerprint of the body, so a redelivery of the same notification records nothing new. */
function fingerprint(text: string): string {
  // FNV-1a over UTF-16 units, twice with different seeds: not a security measure, only an id.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    a = Math.imul(a ^ unit, 0x01000193) >>> 0;
    b = Math.imul(b ^ unit, 0x5bd1e995) >>> 0;
  }
  return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/**
 * Record an unknown notification (invariant 12: never silently dropped): one lifecycle entry with the
 * body, under the CIP it names (or `notification:<type>`), and one `notification.unknown` event.
 */
export async function recordUnknownNotification(
  ctx: ServiceContext,
  notification: UnknownNotification,
): Promise<CodeEvent> {
  const { eventType, body } = notification ?? ({} as UnknownNotification);
  if (typeof eventType !== 'string' || typeof body !== 'string' || body.length > MAX_BODY) {
    throw new ValidationError('recordUnknownNotification needs { eventType: string, body: string (≤ 1 MiB) }.', [
      { path: typeof eventType !== 'string' ? 'eventType' : 'body', message: 'missing or invalid' },
    ]);
  }
  const cip = typeof notification.cip === 'string' && /^\d{1,20}$/.test(notification.cip) ? notification.cip : null;
  const code = cip === null ? null : await ctx.store.getCodeByCip(cip);
  const key = `${eventType.slice(0, 64)}:${fingerprint(body)}`;
  const data = { eventType: eventType.slice(0, 200), body };
  const entry: LifecycleEntry = {
    id: `notification:${key}`,
    subject: code?.id ?? (cip === null ? `notification:${eventType.slice(0, 64)}` : `cip:${cip}`),
    orderId: code?.orderId ?? null,
    cip,
    type: 'notification_unknown',
    actor: 'pagoefectivo',
    at: ctx.now(),
    reason: 'unknown_event_type',
    from: null,
    to: null,
    data,
  };
  const event: CodeEvent = {
    id: `notification.unknown:${key}`,
    type: 'notification.unknown',
    codeId: code?.id ?? null,
    orderId: code?.orderId ?? null,
    cip,
    at: ctx.now(),
    source: notification.source ?? 'webhook',
    data,
  };
  await record(ctx, [entry], [event]);
  log(ctx, 'warn', 'notification of an unknown type recorded', {
    eventType: data.eventType,
    cip,
    codeId: code?.id ?? null,
  });
  return event;
}
