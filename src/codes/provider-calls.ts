import { ApiError, isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode, LifecycleEntry } from '../model/code.js';
import { type CashCodeProvider, exchangeLogOf, type ProviderExchange } from '../model/provider.js';
import { log, type ServiceContext } from './_context.js';
import { createCodeId } from './ids.js';
import { record } from './lifecycle.js';

/** The code a provider call is about: enough to address its lifecycle log. */
export type CallSubject = Pick<CashCode, 'id' | 'orderId' | 'cip'>;

/** A finished provider call, ready to be written as `provider_call` entries. */
export interface FinishedCall {
  /** The entries for `subjects`, one each (oldest-first position: before the change they caused). */
  entries(subjects: readonly CallSubject[], actor: Actor): LifecycleEntry[];
}

const clock = (): number => globalThis.performance?.now() ?? Date.now();

/** What an error says about the exchange when the provider reports no exchanges itself. */
function fromError(operation: string, error: unknown, durationMs: number): ProviderExchange {
  return {
    operation,
    httpStatus: error instanceof ApiError ? (error.status ?? null) : null,
    providerCode: error instanceof ApiError ? (error.apiCode ?? null) : null,
    providerMessage: null,
    requestId: null,
    durationMs,
    errorCode: isPagoEfectivoKitError(error) ? error.code : 'provider_error',
  };
}

/**
 * Run one provider call and keep its facts for the lifecycle log: operation, outcome, HTTP status,
 * the provider's code and message, request id and duration of each attempt (through
 * `provider.withExchangeLog` when the provider has it). The call's result or error passes through.
 */
export async function callProvider<T>(
  ctx: ServiceContext,
  operation: 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip',
  run: (provider: CashCodeProvider) => Promise<T>,
): Promise<{ value: T; call: FinishedCall } | { error: unknown; call: FinishedCall }> {
  const exchanges: ProviderExchange[] = [];
  const provider = exchangeLogOf(ctx.provider)?.((exchange) => exchanges.push(exchange)) ?? ctx.provider;
  const started = clock();
  const at = ctx.now();
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await run(provider) };
  } catch (error) {
    outcome = { error };
  }
  const durationMs = Math.max(0, Math.round((clock() - started) * 1000) / 1000);
  if ('error' in outcome && !exchanges.some((exchange) => exchange.errorCode !== null)) {
    exchanges.push(fromError(operation, outcome.error, durationMs));
  }
  const last = exchanges.at(-1) ?? null;
  const data: Record<string, unknown> = {
    operation,
    provider: ctx.provider.provider ?? null,
    outcome: 'error' in outcome ? 'error' : 'ok',
    httpStatus: last?.httpStatus ?? null,
    providerCode: last?.providerCode ?? null,
    providerMessage: last?.providerMessage ?? null,
    requestId: last?.requestId ?? null,
    errorCode: 'error' in outcome ? (last?.errorCode ?? 'provider_error') : null,
    durationMs,
    // Every HTTP attempt (retries, the re-authentication after a 401), in order.
    attempts: exchanges.map((exchange) => ({ ...exchange })),
  };
  const call: FinishedCall = {
    entries: (subjects, actor) =>
      subjects.map((subject) => ({
        id: createCodeId(),
        subject: subject.id,
        orderId: subject.orderId,
        cip: subject.cip,
        type: 'provider_call',
        actor,
        at,
        reason: operation,
        from: null,
        to: null,
        data: structuredClone(data),
      })),
  };
  return 'error' in outcome ? { error: outcome.error, call } : { value: outcome.value, call };
}

/**
 * Append a call's entries for `subjects` on their own (no state change to join). A store failure here
 * is logged, never allowed to change the outcome of the payment operation that made the call.
 */
export async function logCall(
  ctx: ServiceContext,
  call: FinishedCall,
  subjects: readonly CallSubject[],
  actor: Actor,
): Promise<void> {
  if (subjects.length === 0) return;
  try {
    await record(ctx, call.entries(subjects, actor), []);
  } catch (error) {
    log(ctx, 'warn', 'could not log a provider call', {
      codeIds: subjects.map((subject) => subject.id),
      errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
    });
  }
}

/** {@link callProvider} then {@link logCall}: the call's result, or its error rethrown. */
export async function loggedCall<T>(
  ctx: ServiceContext,
  operation: 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip',
  subjects: readonly CallSubject[],
  actor: Actor,
  run: (provider: CashCodeProvider) => Promise<T>,
): Promise<T> {
  const result = await callProvider(ctx, operation, run);
  await logCall(ctx, result.call, subjects, actor);
  if ('error' in result) throw result.error;
  return result.value;
}
