/**
 * Next.js App Router route handler for PagoEfectivo notifications:
 * `app/api/webhooks/pagoefectivo/route.ts` → `POST https://your.shop/api/webhooks/pagoefectivo`.
 *
 * Route handlers receive the web-standard `Request` untouched, so the handler reads the raw body
 * itself. Never call `request.json()` or `request.text()` before it: the signature covers the raw bytes.
 */
import { webhookHandler } from '../../../../lib/pagoefectivo.js';

// The Node.js runtime (Next's default, stated so nobody switches it): the codes service and your
// store driver need Node.
export const runtime = 'nodejs';
// Every notification is a fresh request: never cache or pre-render this route.
export const dynamic = 'force-dynamic';

/** POST /api/webhooks/pagoefectivo */
export function POST(request: Request): Promise<Response> {
  return webhookHandler(request);
}
