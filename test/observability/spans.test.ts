import { afterEach, describe, expect, it } from 'vitest';
import type { TracerLike } from '../../src/observability/index.js';
import { reconcileSettlement, reconcileWithApi } from '../../src/reconcile/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { FORBIDDEN, order, otel, resetOtel, WEBHOOK_SECRET, world } from './_otel.js';

afterEach(resetOtel);

const byName = (spans: ReturnType<ReturnType<typeof otel>['spans']>, name: string) =>
  spans.filter((span) => span.name === name);
const parentId = (span: { parentSpanContext?: { spanId: string } }) => span.parentSpanContext?.spanId;

function scan(spans: ReturnType<ReturnType<typeof otel>['spans']>): string {
  return JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status })));
}

describe('OpenTelemetry spans', () => {
  it('issue is the parent of the client createCip span, both carrying order id and CIP but no payer data', async () => {
    const { tracer, spans } = otel();
    const { codes } = world({ tracer }, { tracer });
    const { code } = await codes.issue(order('ORD-OTEL-1'));

    const [issue] = byName(spans(), 'pagoefectivo.issue');
    const [createCip] = byName(spans(), 'pagoefectivo.createCip');
    expect(issue).toBeDefined();
    expect(createCip).toBeDefined();
    expect(parentId(createCip!)).toBe(issue!.spanContext().spanId);
    expect(createCip!.spanContext().traceId).toBe(issue!.spanContext().traceId);
    expect(issue!.attributes).toMatchObject({
      'pagoefectivo.order_id': 'ORD-OTEL-1',
      'pagoefectivo.cip': code.cip,
      'pagoefectivo.code_id': code.id,
      'pagoefectivo.amount_minor': 15050,
      'pagoefectivo.created': true,
    });
    expect(createCip!.attributes).toMatchObject({
      'pagoefectivo.cip': code.cip,
      'pagoefectivo.transaction_code': code.id,
    });
    expect(createCip!.kind).toBe(2); // SpanKind.CLIENT
    const text = scan(spans());
    for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
  });

  it('the webhook span is the parent of applyPayment; both carry the CIP and the outcome', async () => {
    const { tracer, spans } = otel();
    const { codes, fake } = world({ tracer });
    const { code } = await codes.issue(order('ORD-OTEL-2'));
    fake.setWebhookTarget({ handler: createWebhookHandler({ secretKey: WEBHOOK_SECRET, codes, tracer }) });
    expect((await fake.pay(code.cip!)).attempts).toEqual([{ status: 200 }]);

    const [webhook] = byName(spans(), 'pagoefectivo.webhook');
    const [apply] = byName(spans(), 'pagoefectivo.applyPayment');
    expect(webhook!.attributes).toMatchObject({
      'pagoefectivo.cip': code.cip,
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    expect(webhook!.kind).toBe(1); // SpanKind.SERVER
    expect(parentId(apply!)).toBe(webhook!.spanContext().spanId);
    expect(apply!.attributes).toMatchObject({
      'pagoefectivo.cip': code.cip,
      'pagoefectivo.order_id': 'ORD-OTEL-2',
      'pagoefectivo.outcome': 'paid',
      'pagoefectivo.source': 'webhook',
    });
    const text = scan(spans());
    for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
  });

  it('a failed operation ends its span with status ERROR and the error code only', async () => {
    const { tracer, spans } = otel();
    const { codes, fake } = world({ tracer }, { tracer });
    fake.failNext({ operation: 'createCip', status: 400, code: 111 });
    await expect(codes.issue(order('ORD-OTEL-3'))).rejects.toThrow();
    const [issue] = byName(spans(), 'pagoefectivo.issue');
    const [createCip] = byName(spans(), 'pagoefectivo.createCip');
    expect(issue!.status.code).toBe(2);
    expect(createCip!.status.code).toBe(2);
    expect(typeof createCip!.attributes['pagoefectivo.error_code']).toBe('string');
    const text = scan(spans());
    for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
  });

  it('sweepExpired, reconcileWithApi and reconcileSettlement have one span each', async () => {
    const { tracer, spans } = otel();
    const { codes, client, store } = world({ tracer });
    await codes.issue(order('ORD-OTEL-4'));
    await codes.sweepExpired();
    await reconcileWithApi({ codes, client, store, tracer });
    await reconcileSettlement('CIP,Monto,Moneda,Fecha de pago\n', { store, tracer }).catch(() => undefined);
    expect(byName(spans(), 'pagoefectivo.sweepExpired')).toHaveLength(1);
    expect(byName(spans(), 'pagoefectivo.sweepExpired')[0]!.attributes).toMatchObject({
      'pagoefectivo.sweep.expired': 0,
    });
    expect(byName(spans(), 'pagoefectivo.reconcileWithApi')[0]!.attributes).toMatchObject({
      'pagoefectivo.reconcile.items': 1,
    });
    expect(byName(spans(), 'pagoefectivo.reconcileSettlement')).toHaveLength(1);
  });

  it('a tracer that throws costs the span, never the call', async () => {
    const broken = {
      startActiveSpan() {
        throw new Error('tracer down');
      },
    };
    const { codes } = world({ tracer: broken }, { tracer: broken });
    const { code, created } = await codes.issue(order('ORD-OTEL-5'));
    expect(created).toBe(true);
    expect(code.cip).toMatch(/^\d+$/);
    const spanThrows = {
      startActiveSpan(_name: string, _options: unknown, fn: (span: unknown) => unknown) {
        return fn({
          setAttribute() {
            throw new Error('attr');
          },
          setStatus() {
            throw new Error('status');
          },
          end() {
            throw new Error('end');
          },
        });
      },
    } as unknown as TracerLike;
    const other = world({ tracer: spanThrows }, { tracer: spanThrows });
    expect((await other.codes.issue(order('ORD-OTEL-6'))).created).toBe(true);
  });

  it('a bad tracer option is a ConfigurationError', () => {
    expect(() => world({ tracer: {} as never })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    expect(() => world({}, { tracer: 'x' as never })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});
