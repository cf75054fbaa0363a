import { hmacSha256Hex } from '../../_crypto/hmac.js';
import { ValidationError } from '../../errors.js';
import { formatAmount, parseAmount } from '../../money/index.js';
import { memberText } from '../../webhooks/_internal/json-number.js';
import { inProcessFetch } from '../fake/fetch.js';
import { FakeNetworkFault, fakeListener } from '../fake/server.js';
import {
  FAKE_DLOCAL_OPERATIONS,
  type FakeDlocalDelivery,
  type FakeDlocalFault,
  type FakeDlocalOperation,
  type FakeDlocalOptions,
  type FakeDlocalPayment,
  type FakeDlocalPayOptions,
  type FakeDlocalRequest,
  type FakeDlocalTarget,
} from './types.js';

/** The fake dLocal Payins API: a `(Request) => Promise<Response>` core plus test controls. */
export interface FakeDlocal {
  /** The in-process base URL (`https://fake-dlocal.invalid/`); use it with {@link fetch}. */
  readonly baseUrl: string;
  /** A `fetch` that answers from the fake without sockets; honours `AbortSignal`s. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** The credentials the fake accepts (pass them to `createDlocalProvider`). */
  readonly credentials: { login: string; transKey: string; secretKey: string };
  /** The web-standard core. */
  handle(request: Request): Promise<Response>;
  /** Serve over HTTP on 127.0.0.1; resolves to the base URL (`http://127.0.0.1:<port>/`). */
  listen(port?: number): Promise<string>;
  /** Stop the HTTP server, if any. */
  close(): Promise<void>;
  /** Pay a pending ticket (by payment id or ticket number) and notify; `{ notify: false }` is a missed notification. */
  pay(paymentIdOrCip: string, options?: FakeDlocalPayOptions): Promise<FakeDlocalDelivery | null>;
  /** Reject a pending payment (status `REJECTED` / 300) and notify. */
  reject(paymentIdOrCip: string): Promise<FakeDlocalDelivery | null>;
  /** End a pending ticket now as at its expiry (`expiredStatus`), moving its expiry into the past, and notify. */
  expire(paymentIdOrCip: string): Promise<FakeDlocalDelivery | null>;
  /** Send the last notification of a payment again, byte for byte (a redelivery). */
  redeliver(paymentIdOrCip: string): Promise<FakeDlocalDelivery>;
  /** Move the fake clock forward: tickets past their expiry end, due notification retries are made. */
  advance(ms: number): Promise<FakeDlocalDelivery[]>;
  /** The fake clock. */
  now(): Date;
  /** A snapshot of a payment (by id or ticket number), or `undefined`. */
  getPayment(paymentIdOrCip: string): FakeDlocalPayment | undefined;
  /** Every notification built so far, oldest first. */
  deliveries(): FakeDlocalDelivery[];
  /** Every request received, oldest first. */
  requests(): FakeDlocalRequest[];
  /** Requests per operation. */
  stats(): Record<FakeDlocalOperation | 'unknown' | 'total', number>;
  /** Fail the next matching request(s). Default: one 500 / code 7000 on any operation. */
  failNext(fault?: FakeDlocalFault): void;
  /** Where notifications go when a payment has no `notification_url`; `null` for nowhere. */
  setWebhookTarget(target: FakeDlocalTarget | null): void;
}

interface Stored extends FakeDlocalPayment {
  last: FakeDlocalDelivery | null;
}

const IN_PROCESS_BASE = 'https://fake-dlocal.invalid/';
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** Current docs: hourly for 6 h, then every 12 h; "Maximum attempts: 12" (so 11 retries). */
const RETRY_DELAYS: readonly number[] = [
  HOUR,
  HOUR,
  HOUR,
  HOUR,
  HOUR,
  HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
];
const CODES = { PENDING: '100', PAID: '200', REJECTED: '300', CANCELLED: '400', EXPIRED: '500' } as const;
const DETAILS = {
  PENDING: 'The payment is pending.',
  PAID: 'The payment was paid.',
  REJECTED: 'The payment was rejected.',
  CANCELLED: 'The payment was cancelled.',
  EXPIRED: 'The payment expired.',
} as const;

/** dLocal's date format: `2020-02-24T04:59:00.000+0000`. */
const dlocalDate = (date: Date): string => date.toISOString().replace('Z', '+0000');

const error = (status: number, code: number, message: string, param?: string): Response =>
  Response.json(param === undefined ? { code, message } : { code, message, param }, { status });

function refuse(message: string): never {
  throw new ValidationError(message, [], { code: 'fake_operation_refused' });
}

/** A 36-character hex id in dLocal's `D-4-<uuid>` shape, from the fake's counter (deterministic). */
function paymentId(sequence: number): string {
  const hex = sequence.toString(16).padStart(12, '0');
  return `D-4-00000000-0000-4000-8000-${hex}`;
}

/**
 * Create an in-process fake of dLocal's Payins API for PagoEfectivo (`EF`): the real paths
 * (`POST /payments`, `GET /payments/{id}`, `GET /payments/{id}/status`, `GET /orders/{order_id}`,
 * `POST /payments/{id}/cancel`), error bodies `{code, message, param}`, request-signature checks
 * (`X-Login`, `X-Trans-Key`, `X-Version: 2.1`, V2-HMAC-SHA256 over `X-Login + X-Date + body`), statuses
 * and status codes, signed notifications with dLocal's retry schedule, sandbox `description` triggers
 * (`PAID`, `REJECTED`, `ERROR`) and injected faults. In-process, or on 127.0.0.1 with `listen()`.
 */
export function createFakeDlocal(options: FakeDlocalOptions = {}): FakeDlocal {
  const login = options.login ?? 'fake-login';
  const transKey = options.transKey ?? 'fake-trans-key';
  const secretKey = options.secretKey ?? 'fake-secret-key';
  const expiryMs = options.expiryMs ?? 5 * DAY;
  const expiredStatus = options.expiredStatus ?? 'CANCELLED';
  const base = options.start ? () => options.start as Date : (options.now ?? (() => new Date()));
  let offset = 0;
  const now = (): Date => new Date(base().getTime() + offset);
  let ticket = options.firstTicket ?? 28945684;
  let sequence = 0;
  let target: FakeDlocalTarget | null = options.webhook ?? null;
  const payments = new Map<string, Stored>();
  const byOrder = new Map<string, Stored>();
  const log: FakeDlocalRequest[] = [];
  const outbox: FakeDlocalDelivery[] = [];
  const faults: (Required<Omit<FakeDlocalFault, 'operation'>> & { operation?: FakeDlocalOperation })[] = [];

  const find = (key: string): Stored | undefined =>
    payments.get(key) ?? [...payments.values()].find((payment) => payment.ticketNumber === key);

  function view(payment: Stored): FakeDlocalPayment {
    const { last: _last, ...rest } = payment;
    return structuredClone(rest);
  }

  /** Tickets past their expiry end unpaid (the fake's clock decides, as dLocal's would). */
  function settleExpiry(payment: Stored): FakeDlocalDelivery | null {
    if (payment.status !== 'PENDING' || now().getTime() < payment.expiresAt.getTime()) return null;
    return change(payment, expiredStatus);
  }

  /** The payment object as dLocal sends it: create answer, GET answer and notification body alike. */
  function paymentObject(payment: Stored): Record<string, unknown> {
    const object: Record<string, unknown> = {
      id: payment.id,
      amount: '\u0000amount\u0000',
      currency: payment.currency,
      payment_method_id: 'EF',
      payment_method_type: 'TICKET',
      payment_method_flow: payment.flow,
      country: 'PE',
      payer: payment.payer,
    };
    if (payment.flow === 'DIRECT') {
      object.ticket = {
        type: 'CUSTOM',
        number: payment.ticketNumber,
        expiration_date: dlocalDate(payment.expiresAt),
        id: `EF-${payment.ticketNumber}`,
        company_name: 'FAKE MERCHANT PERU SAC',
        provider_name: 'PagoEfectivo',
        provider_logo: `${IN_PROCESS_BASE}views/2.0/images/payments/EF.png`,
        image_url: `${IN_PROCESS_BASE}gmf/payments/${payment.id}`,
        amount: '\u0000amount\u0000',
        currency: payment.currency,
      };
    } else {
      object.redirect_url = `${IN_PROCESS_BASE}collect/pay/pay/${payment.id}`;
    }
    object.created_date = dlocalDate(payment.createdAt);
    if (payment.approvedAt !== null && options.approvedDateOnPayments)
      object.approved_date = dlocalDate(payment.approvedAt);
    object.status = payment.status;
    object.status_detail = DETAILS[payment.status];
    object.status_code = payment.statusCode;
    object.order_id = payment.orderId;
    if (payment.notificationUrl !== null) object.notification_url = payment.notificationUrl;
    return object;
  }

  /** JSON text with the amount written as an exact number token (major units). */
  function json(object: Record<string, unknown>, amount: string): string {
    const minor = parseAmount(amount);
    const token = minor % 100 === 0 ? String(minor / 100) : formatAmount(minor).replace(/0$/, '');
    return JSON.stringify(object).replaceAll('"\\u0000amount\\u0000"', token);
  }

  const answer = (payment: Stored): Response =>
    new Response(json(paymentObject(payment), payment.amount), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });

  async function send(delivery: FakeDlocalDelivery, payment: Stored): Promise<void> {
    const at = now();
    const destination: FakeDlocalTarget | null =
      payment.notificationUrl !== null ? { url: payment.notificationUrl } : target;
    if (destination === null) {
      delivery.nextAttemptAt = null;
      return;
    }
    try {
      const init = {
        method: 'POST',
        headers: { ...delivery.headers, 'Content-Type': 'application/json' },
        body: delivery.body,
      };
      const response =
        'handler' in destination
          ? await destination.handler(new Request('https://merchant.invalid/dlocal/notifications', init))
          : await fetch(destination.url, init);
      delivery.attempts.push({ at, status: response.status });
      // Any 2xx stops the retries (current docs).
      delivery.delivered = response.status >= 200 && response.status < 300;
    } catch (failure) {
      delivery.attempts.push({ at, error: failure instanceof Error ? failure.message : String(failure) });
    }
    const retry = RETRY_DELAYS[delivery.attempts.length - 1];
    delivery.nextAttemptAt = delivery.delivered || retry === undefined ? null : new Date(at.getTime() + retry);
  }

  async function notify(payment: Stored): Promise<FakeDlocalDelivery> {
    const body = json(paymentObject(payment), payment.amount);
    const xDate = now().toISOString();
    const signature = await hmacSha256Hex(secretKey, `${login}${xDate}${body}`);
    const delivery: FakeDlocalDelivery = {
      paymentId: payment.id,
      status: payment.status,
      body,
      headers: { 'X-Date': xDate, 'X-Login': login, Authorization: `V2-HMAC-SHA256, Signature: ${signature}` },
      delivered: false,
      attempts: [],
      nextAttemptAt: null,
    };
    payment.last = delivery;
    outbox.push(delivery);
    await send(delivery, payment);
    return delivery;
  }

  // The status change itself is synchronous; its notification is sent by the caller (awaited).
  const pendingNotices: Stored[] = [];
  function change(payment: Stored, status: Stored['status']): FakeDlocalDelivery | null {
    payment.status = status;
    payment.statusCode = CODES[status];
    pendingNotices.push(payment);
    return null;
  }
  async function flush(): Promise<FakeDlocalDelivery | null> {
    let last: FakeDlocalDelivery | null = null;
    while (pendingNotices.length > 0) last = await notify(pendingNotices.shift() as Stored);
    return last;
  }

  async function authenticate(request: Request, body: string): Promise<Response | null> {
    const headers = request.headers;
    if (headers.get('x-version') !== '2.1') return error(400, 5017, 'Invalid API Version');
    const xDate = headers.get('x-date') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(xDate))
      return error(400, 5001, 'Missing parameter', 'X-Date');
    if (headers.get('x-login') !== login || headers.get('x-trans-key') !== transKey) {
      return error(403, 3001, 'Invalid Credentials');
    }
    const signature = /^V2-HMAC-SHA256, Signature: ([0-9a-f]{64})$/.exec(headers.get('authorization') ?? '')?.[1];
    const expected = await hmacSha256Hex(secretKey, `${login}${xDate}${body}`);
    if (signature !== expected) return error(403, 3001, 'Invalid Credentials');
    return null;
  }

  function validateCreate(body: string): Response | { fields: Record<string, unknown>; amount: string } {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return error(400, 5000, 'Invalid request');
    }
    if (typeof fields !== 'object' || fields === null) return error(400, 5000, 'Invalid request');
    const amountText = typeof fields.amount === 'number' ? memberText(body, ['amount']) : null;
    let amount: string;
    try {
      amount = formatAmount(parseAmount(amountText ?? '', 'amount'));
    } catch {
      return error(400, 5001, 'Invalid parameter: amount', 'amount');
    }
    if (fields.country === undefined) return error(400, 5001, 'Missing parameter: country', 'country');
    if (fields.country !== 'PE') return error(400, 5003, 'Country not supported');
    if (fields.currency !== 'PEN') return error(400, 5004, 'Currency not allowed for this country');
    if (fields.payment_method_id !== 'EF') return error(400, 5010, 'Method not available');
    if (fields.payment_method_flow !== 'DIRECT' && fields.payment_method_flow !== 'REDIRECT') {
      return error(400, 5001, 'Missing parameter: payment_method_flow', 'payment_method_flow');
    }
    const payer = fields.payer as Record<string, unknown> | undefined;
    for (const name of ['name', 'email', 'document'] as const) {
      if (typeof payer?.[name] !== 'string' || payer[name] === '') {
        return error(400, 5001, `Missing parameter: payer.${name}`, `payer.${name}`);
      }
    }
    if (!/^(?:\d{8,9}|\d{11})$/.test(String(payer?.document))) {
      return error(400, 5001, 'Invalid parameter: payer.document', 'payer.document');
    }
    if (typeof fields.order_id !== 'string' || fields.order_id === '') {
      return error(400, 5001, 'Missing parameter: order_id', 'order_id');
    }
    if (byOrder.has(fields.order_id)) return error(400, 5009, 'Order ID is duplicated.');
    return { fields, amount };
  }

  async function create(body: string): Promise<Response> {
    const checked = validateCreate(body);
    if (checked instanceof Response) return checked;
    const { fields, amount } = checked;
    const description = typeof fields.description === 'string' ? fields.description : null;
    if (description === 'ERROR') return error(500, 7000, 'Failed to process the request');
    sequence += 1;
    const created = now();
    const payment: Stored = {
      id: paymentId(sequence),
      orderId: fields.order_id as string,
      status: 'PENDING',
      statusCode: CODES.PENDING,
      amount,
      amountMinor: parseAmount(amount),
      currency: 'PEN',
      flow: fields.payment_method_flow as 'DIRECT' | 'REDIRECT',
      ticketNumber: String(ticket++),
      expiresAt: new Date(created.getTime() + expiryMs),
      createdAt: created,
      approvedAt: null,
      notificationUrl: typeof fields.notification_url === 'string' ? fields.notification_url : null,
      description,
      payer: structuredClone(fields.payer as Record<string, unknown>),
      last: null,
    };
    payments.set(payment.id, payment);
    byOrder.set(payment.orderId, payment);
    const response = answer(payment);
    // Sandbox triggers (CONFIRMED): the wanted cash result goes in `description`.
    if (description === 'PAID') {
      payment.approvedAt = created;
      change(payment, 'PAID');
    } else if (description === 'REJECTED') change(payment, 'REJECTED');
    else if (options.notifyPending) pendingNotices.push(payment);
    void flush();
    return response;
  }

  function cancel(payment: Stored): Response {
    settleExpiry(payment);
    if (payment.status !== 'PENDING') return error(400, 5002, 'Invalid transaction status');
    change(payment, 'CANCELLED');
    void flush();
    return answer(payment);
  }

  const ROUTES: readonly [string, RegExp, FakeDlocalOperation][] = [
    ['POST', /^\/payments$/, 'createPayment'],
    ['POST', /^\/payments\/([^/]+)\/cancel$/, 'cancelPayment'],
    ['GET', /^\/payments\/([^/]+)\/status$/, 'getPaymentStatus'],
    ['GET', /^\/payments\/([^/]+)$/, 'getPayment'],
    ['GET', /^\/orders\/([^/]+)$/, 'getOrder'],
  ];
  function route(method: string, pathname: string): { operation: FakeDlocalOperation | 'unknown'; id?: string } {
    const path = pathname.replace(/\/+$/, '');
    for (const [verb, pattern, operation] of ROUTES) {
      const match = verb === method ? pattern.exec(path) : null;
      if (match) return match[1] === undefined ? { operation } : { operation, id: decodeURIComponent(match[1]) };
    }
    return { operation: 'unknown' };
  }

  async function dispatch(operation: FakeDlocalOperation, id: string | undefined, body: string): Promise<Response> {
    if (operation === 'createPayment') return create(body);
    if (operation === 'getOrder') {
      const payment = byOrder.get(id ?? '');
      if (payment === undefined) return error(404, 4000, 'Payment not found');
      settleExpiry(payment);
      void flush();
      const order: Record<string, unknown> = {
        order_id: payment.orderId,
        payment_id: payment.id,
        currency: payment.currency,
        amount: '\u0000amount\u0000',
        created_date: dlocalDate(payment.createdAt),
        status: payment.status,
        status_detail: DETAILS[payment.status],
        status_code: payment.statusCode,
      };
      if (payment.approvedAt !== null) order.approved_date = dlocalDate(payment.approvedAt);
      return new Response(json(order, payment.amount), { headers: { 'content-type': 'application/json' } });
    }
    const payment = payments.get(id ?? '');
    if (payment === undefined) return error(404, 4000, 'Payment not found');
    if (operation === 'cancelPayment') return cancel(payment);
    settleExpiry(payment);
    void flush();
    if (operation === 'getPaymentStatus') {
      return Response.json({
        id: payment.id,
        status: payment.status,
        status_detail: DETAILS[payment.status],
        status_code: payment.statusCode,
      });
    }
    return answer(payment);
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { operation, id } = route(request.method, url.pathname);
    const body = request.method === 'GET' ? '' : await request.text();
    const entry: FakeDlocalRequest = {
      operation,
      method: request.method,
      path: url.pathname,
      status: 0,
      at: now(),
      body,
    };
    log.push(entry);
    if (operation === 'unknown') {
      entry.status = 404;
      return error(404, 5000, 'Invalid request');
    }
    const index = faults.findIndex((fault) => fault.operation === undefined || fault.operation === operation);
    if (index >= 0) {
      const fault = faults[index] as (typeof faults)[number];
      fault.count -= 1;
      if (fault.count <= 0) faults.splice(index, 1);
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.kind === 'network') {
        entry.status = 'network';
        throw new FakeNetworkFault();
      }
      const failed =
        fault.kind === 'malformed'
          ? new Response('<html>bad gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } })
          : error(fault.status, fault.code, 'Injected failure');
      entry.status = failed.status;
      return failed;
    }
    const refused = await authenticate(request, body);
    const response = refused ?? (await dispatch(operation, id, body));
    entry.status = response.status;
    return response;
  }

  async function runDue(): Promise<FakeDlocalDelivery[]> {
    for (const payment of payments.values()) settleExpiry(payment);
    await flush();
    const done: FakeDlocalDelivery[] = [];
    for (const delivery of outbox) {
      if (delivery.nextAttemptAt === null || delivery.nextAttemptAt.getTime() > now().getTime()) continue;
      await send(delivery, payments.get(delivery.paymentId) as Stored);
      done.push(delivery);
    }
    return done;
  }

  function pending(key: string): Stored {
    const payment = find(key);
    if (payment === undefined) refuse(`The fake dLocal has no payment ${key}.`);
    settleExpiry(payment);
    if (payment.status !== 'PENDING') refuse(`Payment ${key} is ${payment.status}; only PENDING payments can change.`);
    return payment;
  }

  return {
    baseUrl: IN_PROCESS_BASE,
    fetch: inProcessFetch(handle, IN_PROCESS_BASE),
    credentials: { login, transKey, secretKey },
    handle,
    ...fakeListener(handle, '/'),
    async pay(key, payOptions = {}) {
      const payment = pending(key);
      if (payOptions.amount !== undefined) {
        payment.amount = formatAmount(parseAmount(payOptions.amount));
        payment.amountMinor = parseAmount(payOptions.amount);
      }
      payment.approvedAt = payOptions.paidAt ?? now();
      payment.status = 'PAID';
      payment.statusCode = CODES.PAID;
      return payOptions.notify === false ? null : notify(payment);
    },
    async reject(key) {
      change(pending(key), 'REJECTED');
      return flush();
    },
    async expire(key) {
      const payment = pending(key);
      payment.expiresAt = new Date(now().getTime() - 1000);
      settleExpiry(payment);
      return flush();
    },
    async redeliver(key) {
      const payment = find(key);
      if (payment?.last == null) refuse(`Payment ${key} has no notification to redeliver.`);
      const again: FakeDlocalDelivery = { ...payment.last, delivered: false, attempts: [], nextAttemptAt: null };
      outbox.push(again);
      await send(again, payment);
      return again;
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) refuse('advance(ms) needs a non-negative number of ms.');
      offset += ms;
      return runDue();
    },
    now,
    getPayment(key) {
      const payment = find(key);
      return payment === undefined ? undefined : view(payment);
    },
    deliveries: () => outbox.map((delivery) => structuredClone(delivery)),
    requests: () => log.map((entry) => ({ ...entry })),
    stats() {
      const stats = { unknown: 0, total: log.length } as Record<FakeDlocalOperation | 'unknown' | 'total', number>;
      for (const operation of FAKE_DLOCAL_OPERATIONS) stats[operation] = 0;
      for (const entry of log) stats[entry.operation] += 1;
      return stats;
    },
    failNext(fault = {}) {
      faults.push({
        ...(fault.operation !== undefined && { operation: fault.operation }),
        count: fault.count ?? 1,
        kind: fault.kind ?? 'error',
        status: fault.status ?? 500,
        code: fault.code ?? 7000,
        delayMs: fault.delayMs ?? 0,
      });
    },
    setWebhookTarget(next) {
      target = next;
    },
  };
}
