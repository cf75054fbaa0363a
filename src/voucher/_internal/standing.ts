/**
 * Whether a code may be handed to a buyer, and if not, which stamp its record copy carries. One rule
 * for the PDF, the e-mail and the SMS, so no channel can send a buyer something they cannot pay.
 * Light on purpose (no PDF or date-fns import): the SMS path uses it.
 */
import { ConfigurationError, VoucherError } from '../../errors.js';
import type { CodeStatus } from '../../model/code.js';

/** The stamp of a record copy: what happened to the code, or `copy` for a still-payable one. */
export type RecordStamp = 'paid' | 'expired' | 'cancelled' | 'copy';

/** The facts the rule reads. */
export interface StandingInput {
  id: string;
  cip: string | null;
  status?: CodeStatus;
  expiresAt: Date;
}

function hasCip(code: StandingInput): code is StandingInput & { cip: string } {
  return typeof code?.cip === 'string' && /^\d{1,20}$/.test(code.cip);
}

/** Read the clock option: a function returning a valid Date (default: the system clock). */
export function readClock(now: unknown, where: string): Date {
  if (now === undefined) return new Date();
  const value = typeof now === 'function' ? (now as () => unknown)() : undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ConfigurationError(`${where}: \`now\` must be a function returning a valid Date.`, {
      details: { option: 'now' },
    });
  }
  return value;
}

/**
 * Refuse a code a buyer cannot pay: no CIP, a status other than `pending`, or an `expiresAt` at or
 * before `now` (a pending code the sweeper has not reached yet is just as unpayable).
 * @throws {VoucherError} `voucher_not_payable` (no CIP, or not pending) or `voucher_code_expired`.
 */
export function assertBuyerFacing<T extends StandingInput>(code: T, now: Date): asserts code is T & { cip: string } {
  if (code?.status !== undefined && code.status !== 'pending') {
    throw new VoucherError(
      'voucher_not_payable',
      `Code ${code.id} is ${code.status}; only pending codes get a voucher, e-mail or SMS (record copies: \`record: true\`).`,
      { details: { codeId: code.id, status: code.status } },
    );
  }
  if (!hasCip(code)) {
    throw new VoucherError('voucher_not_payable', `Code ${code?.id} has no CIP yet, so it has no voucher.`, {
      details: { codeId: code?.id },
    });
  }
  if (!(code.expiresAt instanceof Date) || Number.isNaN(code.expiresAt.getTime())) {
    throw new VoucherError('voucher_not_payable', `Code ${code.id} has no valid expiresAt.`, {
      details: { codeId: code.id },
    });
  }
  if (code.expiresAt.getTime() <= now.getTime()) {
    throw new VoucherError(
      'voucher_code_expired',
      `Code ${code.id} expired at ${code.expiresAt.toISOString()}; it can no longer be paid (record copies: \`record: true\`).`,
      { details: { codeId: code.id, expiresAt: code.expiresAt.toISOString() } },
    );
  }
}

/**
 * The stamp of a record copy. Codes without a CIP, still `reserving` or `failed` have nothing to
 * record (no CIP a buyer could have held), so they are refused.
 * @throws {VoucherError} `voucher_not_payable` for those.
 */
export function recordStamp<T extends StandingInput>(code: T, now: Date): RecordStamp {
  if (!hasCip(code) || code.status === 'reserving' || code.status === 'failed') {
    throw new VoucherError(
      'voucher_not_payable',
      `Code ${code?.id} has no CIP${code?.status ? ` (status ${code.status})` : ''}, so there is no voucher to copy.`,
      { details: { codeId: code?.id, status: code?.status } },
    );
  }
  if (code.status === 'paid') return 'paid';
  if (code.status === 'cancelled') return 'cancelled';
  if (code.status === 'expired' || code.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'copy';
}

/**
 * Decide what may be rendered for `code`: a voucher (`stamp` null) for a payable code, or with
 * `record: true` a record copy and its stamp. Shared by the PDF, e-mail and SMS renderers.
 * @throws {ConfigurationError} `config_invalid` for missing options, a bad `now` or `record`.
 */
export function voucherStandingOf<T extends StandingInput>(
  code: T,
  options: { now?: () => Date; record?: boolean } | undefined,
  where: string,
): { now: Date; stamp: RecordStamp | null; code: T & { cip: string } } {
  if (!options || typeof options !== 'object') throw new ConfigurationError(`${where}: options are required.`);
  if (options.record !== undefined && typeof options.record !== 'boolean') {
    throw new ConfigurationError(`${where}: record must be true or false.`, { details: { option: 'record' } });
  }
  const now = readClock(options.now, where);
  if (options.record === true) {
    const stamp = recordStamp(code, now);
    return { now, stamp, code: code as T & { cip: string } };
  }
  assertBuyerFacing(code, now);
  return { now, stamp: null, code };
}
