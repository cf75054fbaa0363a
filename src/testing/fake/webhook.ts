import { hmacSha256Hex } from '../../_crypto/hmac.js';
import { formatAmount, parseAmount } from '../../money/index.js';
import { formatLimaTimestamp } from '../../time/index.js';
import type { FakeDeliveryAttempt, FakeDeliveryReport, WebhookTarget } from './types.js';

/** The facts of one `cip.paid` notification. */
export interface PaidNotice {
  cip: string;
  operationNumber: string;
  currency: string;
  /** Decimal string; written as a JSON number with trailing zeros dropped (`150.50` → `150.5`). */
  amount: string;
  transactionCode: string;
  paidAt: Date;
}

/** The JSON number token PagoEfectivo writes for an amount: `"150.50"` → `150.5`, `"25.00"` → `25`. */
export function amountToken(amount: string): string {
  return formatAmount(parseAmount(amount)).replace(/\.?0+$/, '');
}

/**
 * Build the exact raw body PagoEfectivo sends (protocol §5): compact JSON, documented fields first,
 * `cip` as a string, the amount copied digit for digit (never through a float).
 */
export function buildPaidBody(notice: PaidNotice): string {
  const text = JSON.stringify;
  return (
    `{"eventType":"cip.paid","operationNumber":${text(notice.operationNumber)},"data":{` +
    `"cip":${text(notice.cip)},"currency":${text(notice.currency)},"amount":${amountToken(notice.amount)},` +
    `"transactionCode":${text(notice.transactionCode)},"paymentDate":${text(formatLimaTimestamp(notice.paidAt))}}}`
  );
}

/** A signed notification ready to send. */
export interface SignedNotification {
  cip: string;
  operationNumber: string;
  body: string;
  signature: string;
}

/** Sign a body: `PE-Signature` is the lowercase hex HMAC-SHA256 of the raw body under the secret key. */
export async function signNotification(notice: PaidNotice, secretKey: string): Promise<SignedNotification> {
  const body = buildPaidBody(notice);
  return {
    cip: notice.cip,
    operationNumber: notice.operationNumber,
    body,
    signature: await hmacSha256Hex(secretKey, body),
  };
}

// Handler targets get a request for this URL; it never leaves the process.
const HANDLER_URL = 'https://merchant.invalid/webhooks/pagoefectivo';

async function attempt(target: WebhookTarget, signed: SignedNotification): Promise<FakeDeliveryAttempt> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'pe-signature': signed.signature },
    body: signed.body,
  };
  try {
    const response =
      'handler' in target
        ? await target.handler(new Request(HANDLER_URL, init))
        : await fetch(target.url, { ...init, signal: AbortSignal.timeout(15_000) });
    // Drain the body so sockets are released; its content is the merchant's business.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Deliver a signed notification. Like PagoEfectivo (protocol §5), a failed receipt (non-2xx or an
 * exception) gets exactly one second attempt; without a target nothing is sent.
 */
export async function deliverOnce(
  target: WebhookTarget | null,
  signed: SignedNotification,
  report: FakeDeliveryReport,
): Promise<FakeDeliveryReport> {
  if (target === null) return report;
  const result = await attempt(target, signed);
  report.attempts.push(result);
  report.delivered = 'status' in result && result.status >= 200 && result.status < 300;
  return report;
}
