import type { CashCode } from '../../model/code.js';
import { buildPaidBody } from '../../testing/fake/webhook.js';
import { type SignedWebhook, signWebhook } from '../../testing/sign.js';
import type { CertifyContext } from './run.js';
import type { CertifyStepId } from './types.js';

/** One scenario of the certification: the steps it needs, and its run (resolves to the message, throws on failure). */
export interface CertifyScenario {
  id: CertifyStepId;
  needs: readonly CertifyStepId[];
  run(ctx: CertifyContext): Promise<string>;
}

const AMOUNT = '150.50';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const runId = (): string => Date.now().toString(36).toUpperCase();

function code(ctx: CertifyContext, role: string): CashCode {
  const found = ctx.codesByRole.get(role);
  if (found === undefined) throw new Error(`no code for ${role}`);
  return found;
}

async function issue(ctx: CertifyContext, role: string, expiresInHours: number): Promise<CashCode> {
  const { code: issued } = await ctx.codes.issue({
    orderId: `CERT-${runId()}-${role.toUpperCase()}`,
    amount: AMOUNT,
    currency: 'PEN',
    // Every optional field of the create call: names, document, phone, concept, metadata, expiry.
    payer: {
      email: 'comprador.prueba@example.pe',
      firstName: 'José',
      lastName: 'Ñúñez Peña',
      documentType: 'DNI',
      documentNumber: '44556677',
      phone: '987654321',
      phoneCountryCode: '+51',
    },
    expiresInHours,
    paymentConcept: 'Prueba de certificación',
    metadata: { certification: 'pagoefectivo-kit' },
  });
  ctx.codesByRole.set(role, issued);
  return issued;
}

/** A signed `cip.paid` body for a code, as PagoEfectivo would send it. */
function paidNotice(target: CashCode, amount: string, secret: string, operation: string): SignedWebhook {
  const body = buildPaidBody({
    cip: target.cip as string,
    operationNumber: operation,
    currency: target.currency,
    amount,
    transactionCode: target.orderId,
    paidAt: new Date(),
  });
  return signWebhook(body, secret);
}

/** Wait until the store shows the code in `status` (polling), or the timeout passes. */
async function waitFor(ctx: CertifyContext, id: string, status: string, timeoutMs: number): Promise<CashCode | null> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = 0;
  for (;;) {
    const current = await ctx.store.getCode(id);
    if (current?.status === status) return current;
    if (Date.now() >= deadline) return null;
    if (Date.now() - lastNote > 30_000 && ctx.fake === null) {
      lastNote = Date.now();
      ctx.progress(
        `certify: waiting for the payment notification (${Math.ceil((deadline - Date.now()) / 1000)} s left)…`,
      );
    }
    await sleep(ctx.fake === null ? 1000 : 50);
  }
}

function parseStatus(body: string): unknown {
  try {
    return (JSON.parse(body) as { status?: unknown }).status ?? null;
  } catch {
    return null;
  }
}

/** The scenarios, in run order. */
export const SCENARIOS: readonly CertifyScenario[] = [
  {
    id: 'store',
    needs: [],
    async run(ctx) {
      const key = `kit:ops:certify-probe:${crypto.randomUUID()}`;
      await ctx.store.putValue(key, 'ok', 60_000);
      const read = await ctx.store.getValue(key);
      await ctx.store.deleteKey(key);
      if (read !== 'ok')
        throw new Error(ctx.t('el almacén no devolvió lo escrito', 'the store did not read back what was written'));
      return ctx.t(
        `almacén ${ctx.store.name}: escritura y lectura correctas`,
        `${ctx.store.name} store: write and read back ok`,
      );
    },
  },
  {
    id: 'authenticate',
    needs: [],
    async run(ctx) {
      const session = await ctx.client.authenticate({ force: true });
      return ctx.t(
        `token obtenido, válido hasta ${session.tokenExpires.toISOString()}`,
        `token obtained, valid until ${session.tokenExpires.toISOString()}`,
      );
    },
  },
  {
    id: 'create_cip',
    needs: ['store', 'authenticate'],
    async run(ctx) {
      const created = await issue(ctx, 'paid', 24);
      return ctx.t(
        `CIP ${created.cip} generado por S/ ${created.amount}, expira ${created.expiresAt.toISOString()}`,
        `CIP ${created.cip} created for S/ ${created.amount}, expires ${created.expiresAt.toISOString()}`,
      );
    },
  },
  {
    id: 'search_cip',
    needs: ['create_cip'],
    async run(ctx) {
      const target = code(ctx, 'paid');
      const [found] = await ctx.client.searchCips([target.cip as string]);
      if (found === undefined)
        throw new Error(
          ctx.t(`la búsqueda no devolvió el CIP ${target.cip}`, `the search did not return CIP ${target.cip}`),
        );
      if (found.state !== 'pending' || found.amount !== target.amount) {
        throw new Error(
          ctx.t(
            `el CIP ${target.cip} figura como ${found.state} por ${found.amount} (se esperaba pendiente por ${target.amount})`,
            `CIP ${target.cip} is ${found.state} for ${found.amount} (expected pending for ${target.amount})`,
          ),
        );
      }
      return ctx.t(
        `CIP ${found.cip} pendiente (estado ${found.statusCode ?? '?'})`,
        `CIP ${found.cip} pending (status ${found.statusCode ?? '?'})`,
      );
    },
  },
  {
    id: 'extend_expiry',
    needs: ['create_cip'],
    async run(ctx) {
      const target = code(ctx, 'paid');
      const later = new Date(target.expiresAt.getTime() + 24 * 3600_000);
      await ctx.client.updateCipExpiry(target.cip as string, later);
      const [found] = await ctx.client.searchCips([target.cip as string]);
      if (found?.dateExpiry && Math.abs(found.dateExpiry.getTime() - later.getTime()) > 1000) {
        throw new Error(
          ctx.t(
            `la nueva expiración no se aplicó (${found.dateExpiry.toISOString()})`,
            `the new expiry was not applied (${found.dateExpiry.toISOString()})`,
          ),
        );
      }
      return ctx.t(`expiración ampliada a ${later.toISOString()}`, `expiry extended to ${later.toISOString()}`);
    },
  },
  {
    id: 'delete_cip',
    needs: ['store', 'authenticate'],
    async run(ctx) {
      const created = await issue(ctx, 'deleted', 24);
      const cancelled = await ctx.codes.cancel(created.orderId);
      const [found] = await ctx.client.searchCips([created.cip as string]);
      if (cancelled.status !== 'cancelled' || (found !== undefined && found.state !== 'deleted')) {
        throw new Error(ctx.t(`el CIP ${created.cip} no quedó eliminado`, `CIP ${created.cip} was not deleted`));
      }
      return ctx.t(
        `CIP ${created.cip} eliminado; el código quedó anulado`,
        `CIP ${created.cip} deleted; the code is cancelled`,
      );
    },
  },
  {
    id: 'payment_notification',
    needs: ['create_cip'],
    async run(ctx) {
      const target = code(ctx, 'paid');
      const timeoutMs = ctx.options.paymentTimeoutMs ?? (ctx.fake ? 10_000 : 600_000);
      let attempts = '';
      if (ctx.fake) {
        const report = await ctx.fake.pay(target.cip as string);
        attempts = report.attempts.map((item) => ('status' in item ? String(item.status) : item.error)).join(', ');
      } else {
        ctx.progress(
          `certify: pay CIP ${target.cip} (S/ ${target.amount}) in the PagoEfectivo sandbox now; ` +
            `waiting up to ${Math.round(timeoutMs / 1000)} s for the notification at ${ctx.webhookUrl}`,
        );
      }
      const paid = await waitFor(ctx, target.id, 'paid', ctx.fake ? Math.min(timeoutMs, 2000) : timeoutMs);
      if (paid === null) {
        const detail =
          attempts === '' ? '' : ctx.t(` (el webhook respondió: ${attempts})`, ` (the webhook answered: ${attempts})`);
        throw new Error(
          ctx.t(
            `no llegó una notificación de pago verificada para el CIP ${target.cip}${detail}`,
            `no verified payment notification for CIP ${target.cip} arrived${detail}`,
          ),
        );
      }
      ctx.codesByRole.set('paid', paid);
      return ctx.t(
        `notificación verificada y aplicada: código pagado (operación ${paid.payment?.operationNumber ?? '?'})`,
        `notification verified and applied: code paid (operation ${paid.payment?.operationNumber ?? '?'})`,
      );
    },
  },
  {
    id: 'forged_notification',
    needs: ['create_cip'],
    async run(ctx) {
      const target = code(ctx, 'paid');
      const forged = paidNotice(target, target.amount, `forged-${crypto.randomUUID()}`, '9999999');
      const answer = await ctx.postWebhook(forged.body, forged.headers);
      const after = await ctx.store.getCode(target.id);
      if (answer.status < 400 || answer.status >= 500 || after?.version !== target.version) {
        throw new Error(
          ctx.t(
            `una notificación con firma falsa fue respondida ${answer.status} (se esperaba 401)`,
            `a notification with a forged signature was answered ${answer.status} (expected 401)`,
          ),
        );
      }
      return ctx.t(`firma falsa rechazada con ${answer.status}`, `forged signature refused with ${answer.status}`);
    },
  },
  {
    id: 'duplicate_notification',
    needs: ['payment_notification'],
    async run(ctx) {
      const target = code(ctx, 'paid');
      // The exact notification received, byte for byte; else one rebuilt from the recorded payment.
      const original = ctx.received[0] ?? ctx.fake?.getCip(target.cip as string)?.notification ?? null;
      const resend = original
        ? { body: original.body, headers: { 'content-type': 'application/json', 'pe-signature': original.signature } }
        : paidNotice(target, target.amount, ctx.secretKey, target.payment?.operationNumber ?? '');
      const answer = await ctx.postWebhook(resend.body, resend.headers);
      const paidEntries = (await ctx.codes.history(target.id)).filter((entry) => entry.type === 'paid').length;
      const outcome = parseStatus(answer.body);
      if (answer.status >= 300 || paidEntries !== 1 || (outcome !== null && outcome !== 'duplicate')) {
        throw new Error(
          ctx.t(
            `la notificación repetida fue respondida ${answer.status} ${String(outcome)}; pagos registrados: ${paidEntries}`,
            `the repeated notification was answered ${answer.status} ${String(outcome)}; payments recorded: ${paidEntries}`,
          ),
        );
      }
      return ctx.t(
        `duplicado reconocido (${answer.status}${outcome === null ? '' : ` ${String(outcome)}`}); el pago se registró una sola vez`,
        `duplicate recognised (${answer.status}${outcome === null ? '' : ` ${String(outcome)}`}); the payment is recorded once`,
      );
    },
  },
  {
    id: 'wrong_amount_notification',
    needs: ['store', 'authenticate'],
    async run(ctx) {
      const target = await issue(ctx, 'amount', 24);
      const notice = paidNotice(target, '160.50', ctx.secretKey, String(Date.now() % 1e9));
      const answer = await ctx.postWebhook(notice.body, notice.headers);
      const after = await ctx.store.getCode(target.id);
      if (after?.status === 'pending') await ctx.codes.cancel(target.orderId).catch(() => undefined);
      if (answer.status >= 500 || after === null || after.status === 'paid') {
        throw new Error(
          ctx.t(
            `un pago de S/ 160.50 para un CIP de S/ ${target.amount} fue respondido ${answer.status}; código ${after?.status ?? '?'}`,
            `a payment of S/ 160.50 for a CIP of S/ ${target.amount} was answered ${answer.status}; code ${after?.status ?? '?'}`,
          ),
        );
      }
      const outcome = parseStatus(answer.body);
      return ctx.t(
        `importe distinto rechazado (${answer.status}${outcome === null ? '' : ` ${String(outcome)}`}); el código no quedó pagado`,
        `other amount refused (${answer.status}${outcome === null ? '' : ` ${String(outcome)}`}); the code was not paid`,
      );
    },
  },
  {
    id: 'sweep_expired',
    needs: ['store', 'authenticate'],
    async run(ctx) {
      // Sandbox: a two-minute code, waited for; the fake expires its CIP at once.
      const target = await issue(ctx, 'expired', ctx.fake ? 1 : 2 / 60);
      if (ctx.fake) ctx.fake.expire(target.cip as string);
      else {
        ctx.progress(`certify: waiting for CIP ${target.cip} to expire at ${target.expiresAt.toISOString()}…`);
        await sleep(Math.max(0, target.expiresAt.getTime() - Date.now() + 5000));
      }
      const summary = await ctx.codes.sweepExpired({
        now: new Date(Math.max(Date.now(), target.expiresAt.getTime() + 1000)),
      });
      const after = await ctx.store.getCode(target.id);
      if (after?.status !== 'expired') {
        throw new Error(
          ctx.t(
            `el código quedó ${after?.status ?? '?'} (barrido: ${summary.expired} expirados, ${summary.skipped} pendientes, ${summary.errors} errores)`,
            `the code is ${after?.status ?? '?'} (sweep: ${summary.expired} expired, ${summary.skipped} left pending, ${summary.errors} errors)`,
          ),
        );
      }
      return ctx.t(
        `CIP ${target.cip} confirmado vencido con la API y marcado expirado`,
        `CIP ${target.cip} confirmed expired with the API and marked expired`,
      );
    },
  },
];
