import { ValidationError } from '../../errors.js';
import { createFakeAuthority } from './auth.js';
import { tokenRefused } from './envelope.js';
import { createFaultQueue, faultResponse, wait } from './faults.js';
import { inProcessFetch } from './fetch.js';
import { createFakeLedger } from './ledger.js';
import { isTarget, resolveFakeOptions } from './options.js';
import { createFakePayments, recordOf, refuse } from './payments.js';
import { type FakeRoute, routeOf } from './routes.js';
import { FakeNetworkFault, fakeListener } from './server.js';
import type {
  FakeCip,
  FakeDelay,
  FakeDeliveryReport,
  FakeFault,
  FakeOperation,
  FakePagoEfectivoOptions,
  FakePayOptions,
  FakeRequestRecord,
  WebhookTarget,
} from './types.js';
import { FAKE_OPERATIONS } from './types.js';

/** Requests received per operation. */
export type FakeStats = Record<FakeOperation | 'unknown' | 'total', number>;

/** The fake PagoEfectivo: a `(Request) => Promise<Response>` core plus test controls. */
export interface FakePagoEfectivo {
  /** The in-process base URL (`https://fake-pagoefectivo.invalid/v1/`); use it with {@link fetch}. */
  readonly baseUrl: string;
  /** A `fetch` that answers from the fake without sockets; honours `AbortSignal`s. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** The web-standard core. */
  handle(request: Request): Promise<Response>;
  /** Serve over HTTP on 127.0.0.1; resolves to the base URL (`http://127.0.0.1:<port>/v1/`). */
  listen(port?: number): Promise<string>;
  /** Stop the HTTP server, if any. */
  close(): Promise<void>;
  /**
   * Mark a pending CIP paid and deliver the signed `cip.paid` notification; a failed delivery is retried
   * once, `webhookRetryDelayMs` later on the fake clock. `{ amount }` pays another amount, `{ notify: false }`
   * marks it paid without any notification (a missed webhook).
   */
  pay(cip: string, options?: FakePayOptions): Promise<FakeDeliveryReport>;
  /** Send a paid CIP's notification again, byte for byte (a duplicate delivery; retried like `pay`). */
  redeliver(cip: string): Promise<FakeDeliveryReport>;
  /** Move a pending CIP's expiry into the past. */
  expire(cip: string): void;
  /**
   * Move the fake clock forward; the notification retries that fall due are made, and the returned
   * promise resolves to their reports once they were (awaiting it is optional).
   */
  advance(ms: number): Promise<FakeDeliveryReport[]>;
  /** Make the notification retries that are due on the fake clock now. */
  deliverRetries(): Promise<FakeDeliveryReport[]>;
  /** The fake clock. */
  now(): Date;
  /** A snapshot of a CIP, or `undefined` if the fake never issued it. */
  getCip(cip: string): FakeCip | undefined;
  /** Every request received, oldest first (Authorization headers are never recorded). */
  requests(): FakeRequestRecord[];
  /** Requests received per operation, e.g. `stats().createCip`. */
  stats(): FakeStats;
  /** Forget the request log. */
  clearRequests(): void;
  /** Fail the next matching request(s). Default: one 500 / code 166 on any operation. */
  failNext(fault?: FakeFault): void;
  /** Process the next matching request(s) but answer late (the effect happens; the answer may time out). */
  delayNext(delay: FakeDelay): void;
  /** Invalidate every token issued so far (the next authenticated call gets 401). */
  revokeTokens(): void;
  /** Where `pay` delivers notifications; `null` to deliver nowhere. */
  setWebhookTarget(target: WebhookTarget | null): void;
}

const IN_PROCESS_BASE = 'https://fake-pagoefectivo.invalid/v1/';
const toSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/**
 * Create an in-process fake of PagoEfectivo's API with the real paths, envelopes, status codes and
 * auth hash check (see docs/testing.md for what is real and what is a fake-only placeholder).
 *
 * @throws {ConfigurationError} `config_invalid` for bad options.
 */
export function createFakePagoEfectivo(options: FakePagoEfectivoOptions): FakePagoEfectivo {
  const config = resolveFakeOptions(options);
  let offset = 0;
  const now = (): Date => new Date(config.baseClock().getTime() + offset);
  const authority = createFakeAuthority({ ...config, now });
  const ledger = createFakeLedger({ ...config, now });
  const faults = createFaultQueue();
  const log: FakeRequestRecord[] = [];
  let target = config.webhook;
  const payments = createFakePayments({
    ledger,
    secretKey: config.secretKey,
    now,
    target: () => target,
    retryDelayMs: config.webhookRetryDelayMs,
  });

  async function dispatch(route: FakeRoute, request: Request, body: string): Promise<Response> {
    if (route.operation === 'authorize') return authority.authorize(body);
    if (route.operation === 'unknown') return route.response;
    if (!authority.accepts(request.headers.get('authorization'))) return tokenRefused();
    switch (route.operation) {
      case 'createCip':
        return ledger.create(body);
      case 'searchCips':
        return ledger.search(body);
      case 'updateCipExpiry':
        return ledger.patch(route.cip, body);
      case 'deleteCip':
        return ledger.remove(route.cip);
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = routeOf(request.method, url.pathname);
    const { operation } = route;
    const body = await request.text();
    const entry: FakeRequestRecord = {
      operation,
      method: request.method,
      path: url.pathname,
      status: 0,
      at: now(),
      body,
    };
    log.push(entry);
    try {
      const fault = faults.takeFailure(operation);
      if (fault !== null) {
        await wait(fault.delayMs ?? 0, request.signal);
        const failed = faultResponse(fault);
        entry.status = failed.status;
        return failed;
      }
      const response = await dispatch(route, request, body);
      entry.status = response.status;
      // A delay after processing: the effect is real even if the caller gives up waiting.
      await wait(faults.takeDelay(operation));
      return response;
    } catch (error) {
      if (error instanceof FakeNetworkFault) entry.status = 'network';
      throw error;
    }
  }

  return {
    baseUrl: IN_PROCESS_BASE,
    fetch: inProcessFetch(handle, IN_PROCESS_BASE),
    handle,
    ...fakeListener(handle, '/v1/'),
    pay: (cip: string, payOptions?: FakePayOptions): Promise<FakeDeliveryReport> => payments.pay(cip, payOptions),
    redeliver: (cip: string): Promise<FakeDeliveryReport> => payments.redeliver(cip),
    expire(cip: string): void {
      const record = recordOf(ledger, cip);
      const state = ledger.stateOf(record);
      if (state !== 'generated') refuse(`CIP ${cip} is ${state}; only pending CIPs can be expired.`);
      record.dateExpiry = new Date(toSecond(now()).getTime() - 1000);
    },
    advance(ms: number): Promise<FakeDeliveryReport[]> {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new ValidationError('advance(ms) needs a non-negative number of ms.', [
          { path: 'ms', message: 'must be a finite number ≥ 0' },
        ]);
      }
      offset += ms;
      return payments.runDueRetries();
    },
    deliverRetries: (): Promise<FakeDeliveryReport[]> => payments.runDueRetries(),
    now,
    getCip: (cip: string): FakeCip | undefined => {
      const record = ledger.get(String(cip));
      return record === undefined ? undefined : ledger.view(record);
    },
    requests: (): FakeRequestRecord[] => log.map((entry) => ({ ...entry })),
    stats(): FakeStats {
      const stats = { unknown: 0, total: log.length } as FakeStats;
      for (const operation of FAKE_OPERATIONS) stats[operation] = 0;
      for (const entry of log) stats[entry.operation] += 1;
      return stats;
    },
    clearRequests(): void {
      log.length = 0;
    },
    failNext: (fault: FakeFault = {}): void => faults.addFailure(fault),
    delayNext: (delay: FakeDelay): void => faults.addDelay(delay),
    revokeTokens: (): void => authority.revokeAll(),
    setWebhookTarget(next: WebhookTarget | null): void {
      if (next !== null && !isTarget(next)) refuse('A webhook target must be { url } or { handler }.');
      target = next;
    },
  };
}
