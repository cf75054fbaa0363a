import { ValidationError } from '../../errors.js';
import { FAKE_CODES, failure } from './envelope.js';
import { FakeNetworkFault } from './server.js';
import type { FakeDelay, FakeFault, FakeOperation } from './types.js';

interface Pending<T> {
  spec: T;
  remaining: number;
}

/** Queues of injected failures and delays, consumed in order per matching request. */
export interface FaultQueue {
  addFailure(fault: FakeFault): void;
  addDelay(delay: FakeDelay): void;
  /** The failure to inject for this request, if any (consumes one use). */
  takeFailure(operation: FakeOperation | 'unknown'): FakeFault | null;
  /** The delay to add after this request was processed, in ms (consumes one use). */
  takeDelay(operation: FakeOperation | 'unknown'): number;
  clear(): void;
}

function take<T extends { operation?: FakeOperation }>(
  queue: Pending<T>[],
  operation: FakeOperation | 'unknown',
): T | null {
  const index = queue.findIndex((item) => item.spec.operation === undefined || item.spec.operation === operation);
  if (index === -1) return null;
  const item = queue[index] as Pending<T>;
  item.remaining -= 1;
  if (item.remaining <= 0) queue.splice(index, 1);
  return item.spec;
}

function countOf(count: number | undefined): number {
  const value = count ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError('A fault count must be a positive integer.', [{ path: 'count', message: 'must be ≥ 1' }]);
  }
  return value;
}

/** Create an empty fault queue. */
export function createFaultQueue(): FaultQueue {
  const failures: Pending<FakeFault>[] = [];
  const delays: Pending<FakeDelay>[] = [];
  return {
    addFailure(fault: FakeFault): void {
      failures.push({ spec: { ...fault }, remaining: countOf(fault.count) });
    },
    addDelay(delay: FakeDelay): void {
      if (!(delay.delayMs >= 0)) {
        throw new ValidationError('delayNext needs delayMs ≥ 0.', [{ path: 'delayMs', message: 'must be ≥ 0' }]);
      }
      delays.push({ spec: { ...delay }, remaining: countOf(delay.count) });
    },
    takeFailure: (operation) => take(failures, operation),
    takeDelay: (operation) => take(delays, operation)?.delayMs ?? 0,
    clear(): void {
      failures.length = 0;
      delays.length = 0;
    },
  };
}

/** The response (or thrown network fault) an injected failure produces. */
export function faultResponse(fault: FakeFault): Response {
  const kind = fault.kind ?? 'error';
  if (kind === 'network') throw new FakeNetworkFault();
  if (kind === 'malformed') {
    return new Response('<html><body>502 Bad Gateway</body></html>', {
      status: 200,
      headers: { 'content-type': 'text/html' },
    });
  }
  const status = fault.status ?? 500;
  const code = fault.code ?? FAKE_CODES.serverError;
  return failure(
    status,
    code,
    code === FAKE_CODES.serverError ? 'Error interno del servidor.' : 'Error inyectado (fake).',
  );
}

/** Wait `ms`, rejecting early with the signal's reason if it aborts. */
export function wait(ms: number, signal?: AbortSignal | null): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
