import * as v from 'valibot';
import { ConfigurationError } from '../../errors.js';
import { parseAmount } from '../../money/index.js';
import type { FakePagoEfectivoOptions, FakeStatus, WebhookTarget } from './types.js';

/** Fake options after validation, with defaults applied. */
export interface ResolvedFakeOptions {
  serviceId: string;
  accessKey: string;
  secretKey: string;
  codeService: string;
  baseClock: () => Date;
  tokenLifetimeMs: number;
  dateRequestToleranceMs: number;
  maxAmountMinor: number | null;
  defaultExpiryMs: number;
  firstCip: number;
  webhook: WebhookTarget | null;
  webhookRetryDelayMs: number;
  statuses: { paid: FakeStatus; expired: FakeStatus; deleted: FakeStatus };
}

/**
 * Fake-only placeholders: PagoEfectivo documents only 22 / "Generado." (protocol §6, §11). The
 * names follow the documented Spanish state names; the numbers are deliberately outside any real
 * range so that code relying on them stands out.
 */
export const FAKE_STATUSES: { paid: FakeStatus; expired: FakeStatus; deleted: FakeStatus } = {
  paid: { code: 9023, name: 'Cancelado.' },
  expired: { code: 9024, name: 'Expirado.' },
  deleted: { code: 9025, name: 'Eliminado.' },
};

const ms = (name: string) =>
  v.optional(v.pipe(v.number(`${name} must be a number of ms`), v.minValue(0, `${name} must not be negative`)));
const status = v.optional(v.object({ code: v.number(), name: v.string() }, 'a status must be { code, name }'));

const MAX_MINOR = 'maxAmountMinor must be a positive integer number of minor units, e.g. 500000';
const FIRST_CIP = 'firstCip must be an integer between 1 and 9999999999999';

const Schema = v.object(
  {
    serviceId: v.union(
      [v.pipe(v.number(), v.integer(), v.minValue(1)), v.pipe(v.string(), v.regex(/^\d{1,10}$/))],
      'serviceId must be a numeric service id such as 1234',
    ),
    accessKey: v.pipe(v.string('accessKey is required'), v.nonEmpty('accessKey must not be empty')),
    secretKey: v.pipe(v.string('secretKey is required'), v.nonEmpty('secretKey must not be empty')),
    codeService: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{3,5}$/, 'codeService must be 3–5 capitals'))),
    start: v.optional(v.date('start must be a valid Date')),
    now: v.optional(v.function('now must be a function returning a Date')),
    tokenLifetimeMs: ms('tokenLifetimeMs'),
    dateRequestToleranceMs: ms('dateRequestToleranceMs'),
    maxAmount: v.optional(v.string('maxAmount must be a decimal string such as "5000.00"')),
    maxAmountMinor: v.optional(v.pipe(v.number(MAX_MINOR), v.safeInteger(MAX_MINOR), v.minValue(1, MAX_MINOR))),
    defaultExpiryMs: ms('defaultExpiryMs'),
    firstCip: v.optional(
      v.pipe(
        v.number(FIRST_CIP),
        v.integer(FIRST_CIP),
        v.minValue(1, FIRST_CIP),
        v.maxValue(9_999_999_999_999, FIRST_CIP),
      ),
    ),
    webhook: v.optional(v.custom<WebhookTarget>((value) => isTarget(value), 'webhook must be { url } or { handler }')),
    webhookRetryDelayMs: ms('webhookRetryDelayMs'),
    statuses: v.optional(v.object({ paid: status, expired: status, deleted: status })),
  },
  'fake options must be an object with serviceId, accessKey and secretKey',
);

/** Whether `value` is a usable webhook target. */
export function isTarget(value: unknown): value is WebhookTarget {
  if (typeof value !== 'object' || value === null) return false;
  const target = value as { url?: unknown; handler?: unknown };
  if (typeof target.handler === 'function') return true;
  return typeof target.url === 'string' && URL.canParse(target.url);
}

/**
 * Validate the fake's options and apply defaults.
 * @throws {ConfigurationError} `config_invalid` naming every bad option.
 */
export function resolveFakeOptions(options: FakePagoEfectivoOptions): ResolvedFakeOptions {
  const result = v.safeParse(Schema, options ?? {});
  if (!result.success) {
    const paths = result.issues.map((issue) => v.getDotPath(issue) ?? 'options');
    throw new ConfigurationError(
      `Invalid fake PagoEfectivo options: ${result.issues.map((issue) => issue.message).join('; ')}.`,
      { details: { fields: paths } },
    );
  }
  const o = result.output;
  const start = o.start;
  const now = o.now as (() => Date) | undefined;
  let maxAmountMinor: number | null = o.maxAmountMinor ?? null;
  if (o.maxAmount !== undefined) {
    try {
      maxAmountMinor = parseAmount(o.maxAmount, 'maxAmount');
    } catch (error) {
      throw new ConfigurationError('maxAmount must be a positive decimal string such as "5000.00".', { cause: error });
    }
  }
  return {
    serviceId: String(Number(o.serviceId)),
    accessKey: o.accessKey,
    secretKey: o.secretKey,
    codeService: o.codeService ?? 'TST',
    baseClock: start ? () => new Date(start.getTime()) : (now ?? (() => new Date())),
    tokenLifetimeMs: o.tokenLifetimeMs ?? 2 * 60 * 60 * 1000,
    dateRequestToleranceMs: o.dateRequestToleranceMs ?? 5 * 60 * 1000,
    maxAmountMinor,
    defaultExpiryMs: o.defaultExpiryMs ?? 4 * 60 * 60 * 1000,
    firstCip: o.firstCip ?? 2_401_557,
    webhook: (o.webhook as WebhookTarget | undefined) ?? null,
    webhookRetryDelayMs: o.webhookRetryDelayMs ?? 60_000,
    statuses: {
      paid: o.statuses?.paid ?? FAKE_STATUSES.paid,
      expired: o.statuses?.expired ?? FAKE_STATUSES.expired,
      deleted: o.statuses?.deleted ?? FAKE_STATUSES.deleted,
    },
  };
}
