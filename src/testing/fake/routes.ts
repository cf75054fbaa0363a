import { failure } from './envelope.js';
import type { FakeOperation } from './types.js';

/** Which operation a request addresses, with the CIP number for PATCH/DELETE. */
export type FakeRoute =
  | { operation: 'authorize' | 'createCip' | 'searchCips' }
  | { operation: 'updateCipExpiry' | 'deleteCip'; cip: string }
  | { operation: 'unknown'; response: Response };

/** Route names, for logs and fault matching. */
export type RoutedOperation = FakeOperation | 'unknown';

/**
 * Map method and path to an operation. Paths are the documented ones under `/v1/` (a trailing
 * slash is tolerated); anything else is answered 404 (or 405 for a known path and wrong method).
 */
export function routeOf(method: string, pathname: string): FakeRoute {
  const path = pathname.replace(/\/+$/, '');
  const verb = method.toUpperCase();
  if (path === '/v1/authorizations') return verb === 'POST' ? { operation: 'authorize' } : notAllowed();
  if (path === '/v1/cips') return verb === 'POST' ? { operation: 'createCip' } : notAllowed();
  if (path === '/v1/cips/search') return verb === 'POST' ? { operation: 'searchCips' } : notAllowed();
  const match = /^\/v1\/cips\/(\d{1,14})$/.exec(path);
  if (match) {
    const cip = String(Number(match[1]));
    if (verb === 'PATCH') return { operation: 'updateCipExpiry', cip };
    if (verb === 'DELETE') return { operation: 'deleteCip', cip };
    return notAllowed();
  }
  return { operation: 'unknown', response: failure(404, 404, `No existe el recurso ${path} (fake).`) };
}

function notAllowed(): FakeRoute {
  return { operation: 'unknown', response: failure(405, 405, 'Método no permitido (fake).') };
}
