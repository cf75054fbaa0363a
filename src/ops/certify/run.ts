import { CLI_VERSION } from '../../cli/_version.js';
import { createPagoEfectivoClient, type PagoEfectivoClient } from '../../client/client.js';
import type { FetchLike } from '../../client/options.js';
import { type CashCodes, createCashCodes } from '../../codes/service.js';
import { isPagoEfectivoKitError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type { CashCodeStore } from '../../storage/contract.js';
import { memoryStore } from '../../storage/memory.js';
import type { FakePagoEfectivo } from '../../testing/fake/fake.js';
import { createWebhookHandler } from '../../webhooks/handler.js';
import { redactBody } from './redact.js';
import { type CertifyScenario, SCENARIOS } from './scenarios.js';
import type { CertifyExchange, CertifyOptions, CertifyReport, CertifyStep, CertifyStepId } from './types.js';

/** What every scenario may use; filled as the run goes. */
export interface CertifyContext {
  options: CertifyOptions;
  lang: CertifyOptions['lang'] & string;
  /** Pick the message of the report's language. */
  t(es: string, en: string): string;
  client: PagoEfectivoClient;
  codes: CashCodes;
  store: CashCodeStore;
  fake: FakePagoEfectivo | null;
  /** Where notifications are posted (certify's own listener or the merchant's endpoint). */
  webhookUrl: string;
  /** The webhook secret (the API secret key). */
  secretKey: string;
  /** Codes created by earlier steps, by role. */
  codesByRole: Map<string, CashCode>;
  /** Notifications the local listener received (raw body and signature). */
  received: { body: string; signature: string }[];
  progress(line: string): void;
  /** POST a body with headers to the webhook URL, recorded as an exchange of the step. */
  postWebhook(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }>;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - start) };
}

function recordingFetch(base: FetchLike, kind: CertifyExchange['kind'], log: CertifyExchange[]): FetchLike {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestBody = init?.body === undefined || init.body === null ? '' : String(init.body);
    const url = new URL(request.url);
    const exchange: CertifyExchange = {
      kind,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      requestBody: redactBody(requestBody),
      status: null,
      responseBody: '',
      durationMs: 0,
    };
    log.push(exchange);
    const start = performance.now();
    try {
      const response = await base(input, init);
      exchange.status = response.status;
      exchange.responseBody = redactBody(await response.clone().text());
      return response;
    } finally {
      exchange.durationMs = Math.round(performance.now() - start);
    }
  };
}

function errorText(error: unknown): string {
  if (isPagoEfectivoKitError(error)) return `[${error.code}] ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run the integration scenarios a PagoEfectivo reviewer asks for and collect a report: authenticate,
 * create a CIP with every optional field, search it, extend its expiry, delete one, receive and verify
 * a payment notification, reject a forged, a duplicate and a wrong-amount one, sweep an expired code.
 * Never throws for a failing scenario: its step says why, and the steps that need it are skipped.
 *
 * With `environment: 'fake'` everything runs offline against the fake PagoEfectivo served on
 * 127.0.0.1; with `sandbox`, the operator pays the CIP in the sandbox while the run waits.
 *
 * @throws {ConfigurationError} `config_invalid` for sandbox without credentials.
 */
export async function runCertify(options: CertifyOptions): Promise<CertifyReport> {
  const lang = options.lang ?? 'es';
  const startedAt = new Date();
  const exchanges: CertifyExchange[] = [];
  const baseFetch = options.fetch ?? (globalThis.fetch as FetchLike);
  const { setup, teardown } = await import('./setup.js');
  const env = await setup(options, recordingFetch(baseFetch, 'api', exchanges));
  const store = options.store ?? memoryStore();
  const client = createPagoEfectivoClient({
    ...env.credentials,
    environment: 'sandbox',
    fetch: env.fetch,
    retry: { retries: 0 },
  });
  const codes = createCashCodes({
    client,
    store,
    settlementGraceMs: 0,
    // Short expiries are allowed so the sweep scenario can wait for one in the sandbox.
    policy: { minHours: 1 / 60, defaultHours: 24, maxHours: 72 },
  });
  const received: CertifyContext['received'] = [];
  const handler = createWebhookHandler({ secretKey: env.credentials.secretKey, codes, store });
  const webhookFetch = recordingFetch(baseFetch, 'webhook', exchanges);
  const local =
    options.webhookUrl === undefined
      ? await (await import('../node.js')).serveLocally(
          async (request) => {
            const body = await request.clone().text();
            received.push({ body, signature: request.headers.get('pe-signature') ?? '' });
            const start = performance.now();
            const response = await handler(request);
            // Notifications PagoEfectivo (or the fake) sent are part of the step that waited for them.
            exchanges.push({
              kind: 'webhook',
              method: request.method,
              path: `${new URL(request.url).pathname} (received)`,
              requestBody: redactBody(body),
              status: response.status,
              responseBody: redactBody(await response.clone().text()),
              durationMs: Math.round(performance.now() - start),
            });
            return response;
          },
          options.port ?? 0,
          options.host ?? '127.0.0.1',
        )
      : null;
  const webhookUrl = options.webhookUrl ?? (local?.url as string);
  env.fake?.setWebhookTarget({ url: webhookUrl });
  const ctx: CertifyContext = {
    options,
    lang,
    t: (es, en) => (lang === 'en' ? en : es),
    client,
    codes,
    store,
    fake: env.fake,
    webhookUrl,
    secretKey: env.credentials.secretKey,
    codesByRole: new Map(),
    received,
    progress: (line) => options.onProgress?.(line),
    async postWebhook(body, headers) {
      const response = await webhookFetch(webhookUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(15_000),
      });
      return { status: response.status, body: await response.text() };
    },
  };
  const steps: CertifyStep[] = [];
  try {
    for (const scenario of SCENARIOS) steps.push(await runStep(ctx, scenario, steps, exchanges));
  } finally {
    await local?.close();
    await teardown(env);
  }
  return {
    passed: steps.every((step) => step.status === 'passed'),
    environment: options.environment,
    lang,
    sdkVersion: CLI_VERSION,
    serviceId: String(env.credentials.serviceId),
    startedAt,
    finishedAt: new Date(),
    steps,
  };
}

async function runStep(
  ctx: CertifyContext,
  scenario: CertifyScenario,
  done: readonly CertifyStep[],
  exchanges: CertifyExchange[],
): Promise<CertifyStep> {
  const missing = scenario.needs.find((id: CertifyStepId) => done.find((step) => step.id === id)?.status !== 'passed');
  if (missing !== undefined) {
    return {
      id: scenario.id,
      status: 'skipped',
      message: ctx.t(`no se ejecutó: depende del paso "${missing}"`, `not run: needs step "${missing}"`),
      durationMs: 0,
      exchanges: [],
    };
  }
  ctx.progress(`certify: ${scenario.id}…`);
  const first = exchanges.length;
  let status: CertifyStep['status'] = 'passed';
  const { value: message, ms } = await timed(async () => {
    try {
      return await scenario.run(ctx);
    } catch (error) {
      status = 'failed';
      return errorText(error);
    }
  });
  ctx.progress(`certify: ${scenario.id} ${status}: ${message}`);
  return { id: scenario.id, status, message, durationMs: ms, exchanges: exchanges.slice(first) };
}
