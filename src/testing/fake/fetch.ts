import { FakeNetworkFault } from './server.js';

/**
 * A `fetch` that answers from `handle` without sockets. It behaves like a real fetch where tests
 * depend on it: relative URLs resolve against `base`, an `AbortSignal` (the client's timeout)
 * rejects the call with the signal's reason even while the fake is still working, and an injected
 * network failure rejects with `TypeError('fetch failed')` as undici does.
 */
export function inProcessFetch(
  handle: (request: Request) => Promise<Response>,
  base: string,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let request: Request;
    try {
      request = new Request(typeof input === 'string' && input.startsWith('/') ? new URL(input, base) : input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = request.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      handle(request)
        .then(resolve, (error: unknown) =>
          reject(error instanceof FakeNetworkFault ? new TypeError('fetch failed', { cause: error }) : error),
        )
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  };
}
