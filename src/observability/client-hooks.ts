import { ConfigurationError } from '../errors.js';
import { quietly } from './tracing.js';

/** What a request hook sees: no header, body, token, key or auth hash, ever. */
export interface ClientRequestEvent {
  /** The client operation (`authorize`, `createCip`, `searchCips`, `updateCipExpiry`, `deleteCip`). */
  operation: 'authorize' | 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip';
  method: string;
  /** The URL path, e.g. `/v1/cips/search` (never a query string). */
  path: string;
  /** 1 for the first attempt, 2 for the first retry, … (a re-authentication after a 401 starts again at 1). */
  attempt: number;
  /** An id the client generated for this attempt; the response event carries the same one. */
  clientRequestId: string;
}

/** What a response hook sees, after every attempt, also failed ones. */
export interface ClientResponseEvent extends ClientRequestEvent {
  /** The HTTP status, or `null` when no response arrived (timeout, network error). */
  status: number | null;
  /** Wall time of the attempt in ms. */
  durationMs: number;
  /** PagoEfectivo's request id when a response header carries one, else `clientRequestId`. */
  requestId: string;
  /** The kit's error code when the attempt failed (`timeout`, `api_error`, …), else `null`. */
  errorCode: string | null;
}

/** `createPagoEfectivoClient({ hooks })`; a hook that throws is ignored. */
export interface ClientHooks {
  onRequest?: (event: ClientRequestEvent) => void;
  onResponse?: (event: ClientResponseEvent) => void;
}

/** The hook registry a client and its transport share (internal). */
export interface ClientObserver {
  on(type: 'request', hook: (event: ClientRequestEvent) => void): () => void;
  on(type: 'response', hook: (event: ClientResponseEvent) => void): () => void;
  request(event: ClientRequestEvent): void;
  response(event: ClientResponseEvent): void;
}

/** Response headers that carry a request id in the gateways PagoEfectivo is known to sit behind. */
const REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id', 'request-id', 'x-amzn-requestid', 'x-amz-request-id'];

/** PagoEfectivo's request id, if a response header carries one (cut to 128 characters). */
export function responseRequestId(headers: Headers | undefined): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers?.get(name);
    if (value) return value.slice(0, 128);
  }
  return null;
}

let counter = 0;
/** A client-side request id; randomness from Web Crypto where present, so it works on every runtime. */
export function newRequestId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  counter = (counter + 1) % 1_000_000;
  return `pek_${uuid ?? `${Date.now().toString(36)}${counter.toString(36)}`}`;
}

function check(hook: unknown, name: string): void {
  if (hook !== undefined && typeof hook !== 'function') {
    throw new ConfigurationError(`Invalid PagoEfectivo client options: hooks.${name} must be a function.`, {
      details: { fields: [`hooks.${name}`] },
    });
  }
}

/**
 * Create the registry from the `hooks` option.
 * @throws {ConfigurationError} `config_invalid` when `hooks` is not an object of functions.
 */
export function createClientObserver(hooks: unknown): ClientObserver {
  if (hooks !== undefined && (hooks === null || typeof hooks !== 'object')) {
    throw new ConfigurationError('Invalid PagoEfectivo client options: hooks must be { onRequest?, onResponse? }.', {
      details: { fields: ['hooks'] },
    });
  }
  const given = (hooks ?? {}) as ClientHooks;
  check(given.onRequest, 'onRequest');
  check(given.onResponse, 'onResponse');
  const requests = new Set<(event: ClientRequestEvent) => void>();
  const responses = new Set<(event: ClientResponseEvent) => void>();
  if (given.onRequest) requests.add(given.onRequest);
  if (given.onResponse) responses.add(given.onResponse);
  // Each hook gets its own frozen copy: one hook cannot change what the next (or the transport) sees.
  const emit = <E extends object>(set: Set<(event: E) => void>, event: E): void => {
    for (const hook of set) quietly(() => hook(Object.freeze({ ...event })));
  };
  return {
    on(type: 'request' | 'response', hook: (event: never) => void): () => void {
      if (type !== 'request' && type !== 'response') {
        throw new ConfigurationError(
          `client.on: unknown event ${JSON.stringify(String(type))}; use 'request' or 'response'.`,
        );
      }
      if (typeof hook !== 'function')
        throw new ConfigurationError(`client.on('${type}', hook): hook must be a function.`);
      const set = (type === 'request' ? requests : responses) as Set<(event: never) => void>;
      set.add(hook);
      return () => {
        set.delete(hook);
      };
    },
    request: (event) => emit(requests, event),
    response: (event) => emit(responses, event),
  } as ClientObserver;
}
