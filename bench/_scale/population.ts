import type { CashCode } from '../../src/model/code.js';
import { serializeCode } from '../../src/storage/contract.js';
import type { CodeTemplates } from './fixtures.js';

// The stored population of the scale series. Code number `i` of a population is a copy of the real
// template code of its status with its own id, order, CIP (and operation number when paid); every
// other field is the template's. Ids, orders and CIPs follow formulas simple enough to evaluate inside
// SQL and Lua, so the seeders can generate a million rows in the database instead of sending them.
// Ids start with the number's block of 1000 and then a scrambled part (a multiplicative hash of `i`):
// inside every block the statuses interleave in id order the way the random ids of a live store do,
// and the blocks follow each other in id order, so a seeder that writes blocks in turn fills a
// database's primary key nearly in order (fully random ids made MariaDB's 1M level, which outgrows
// its default 128 MB buffer pool, take seven minutes to seed instead of under one).

/** Of every 1000 stored final codes: 600 paid, 300 expired and 100 cancelled. */
const SLOTS: readonly { status: FinalStatus; below: number }[] = [
  { status: 'paid', below: 600 },
  { status: 'expired', below: 900 },
  { status: 'cancelled', below: 1000 },
];

/**
 * Every level also holds this many pending codes (not due), numbered from {@link PENDING_BASE}: a live
 * store's pending codes are the few days of orders awaiting payment, not a share of everything ever
 * stored, and a fixed count keeps the `['pending']` page a full page at every size (a 0.1 % share gave
 * the 10k level a 10-row page next to the 100-row pages of the others).
 */
export const PENDING_CODES = 1000;
/** The number of the first pending code (above every final code's number). */
export const PENDING_BASE = 9_000_000;

/** The statuses of the stored population. */
export type StoredStatus = 'paid' | 'expired' | 'cancelled' | 'pending';
/** The final statuses, seeded natively; pending codes go through `claimOrder`. */
export type FinalStatus = Exclude<StoredStatus, 'pending'>;
export const FINAL_STATUSES: readonly FinalStatus[] = ['paid', 'expired', 'cancelled'];

/** Final codes `i` with `i % 1000` in `[from, to)` have this status (what the SQL and Lua seeders test). */
export function slotRange(status: FinalStatus): { from: number; to: number } {
  const index = SLOTS.findIndex((slot) => slot.status === status);
  return { from: index === 0 ? 0 : SLOTS[index - 1]!.below, to: SLOTS[index]!.below };
}

/** The status of code number `i`. */
export function statusAt(i: number): StoredStatus {
  if (i >= PENDING_BASE) return 'pending';
  const slot = i % 1000;
  return SLOTS.find((candidate) => slot < candidate.below)!.status;
}

/** Knuth's multiplicative hash, applied to the low 16 bits: `(i % 65536) * 2654435761` stays below 2^53. */
export const HASH_MULTIPLIER = 2_654_435_761;

/** The block of code number `i` (the high 16 bits of its id prefix). */
export const blockOf = (i: number): number => Math.floor(i / 1000);
/** The scrambled part of code number `i` (the low 16 bits of its id prefix). */
export const scrambleOf = (i: number): number => ((i % 65_536) * HASH_MULTIPLIER) % 65_536;

/** The id of code number `i`: `pc_<block, 4 hex digits><scramble, 4 hex digits>_<i, 7 digits>` (19 characters). */
export function codeIdAt(i: number): string {
  const hex4 = (value: number): string => value.toString(16).padStart(4, '0');
  return `pc_${hex4(blockOf(i))}${hex4(scrambleOf(i))}_${String(i).padStart(7, '0')}`;
}

/** The order id of code number `i`: `<runTag>-<i>`. */
export const orderIdAt = (runTag: string, i: number): string => `${runTag}-${i}`;
/** The CIP of code number `i` (from 10^10 on: never one of the fake's). */
export const cipAt = (i: number): string => String(10_000_000_000 + i);
/** The operation number of paid code number `i`. */
export const operationAt = (i: number): string => `OP${i}`;

/** Markers in a template document that a seeder replaces with the values of code number `i`. */
export const MARK = { id: '@@ID@@', order: '@@ORDER@@', cip: '@@CIP@@', operation: '@@OP@@' } as const;

/** One status's template: the fixed columns and the document with {@link MARK}s. */
export interface SeedTemplate {
  status: FinalStatus;
  version: number;
  expiresAt: Date;
  updatedAt: Date;
  /** `serializeCode` of the template with the markers in place of id, order, CIP, operation number. */
  doc: string;
}

const DAY = 86_400_000;

/** The templates moved three days back, so every instant of a stored final code is in the past. */
function aged(code: CashCode): CashCode {
  const back = (date: Date): Date => new Date(date.getTime() - 3 * DAY);
  const copy = structuredClone(code);
  Object.assign(copy, { createdAt: back(copy.createdAt), updatedAt: back(copy.updatedAt) });
  Object.assign(copy, { expiresAt: back(copy.expiresAt) });
  if (copy.payment !== null) copy.payment.paidAt = back(copy.payment.paidAt);
  return copy;
}

/** The population's codes: a JS value per number (memory store, checks) and the seeders' templates. */
export interface Population {
  runTag: string;
  /** Code number `i` exactly as the seeders store it. */
  code(i: number): CashCode;
  template(status: FinalStatus): SeedTemplate;
}

/** A population built from the real template codes; `runTag` keeps its order ids unique to the run. */
export function createPopulation(templates: CodeTemplates, runTag: string, now: Date): Population {
  const final = new Map(FINAL_STATUSES.map((status) => [status, aged(templates[status])]));
  // Pending codes are not due: they expire a day after the run started.
  const pending = aged(templates.pending);
  pending.expiresAt = new Date(now.getTime() + DAY);
  const codeFrom = (base: CashCode, i: number): CashCode => ({
    ...base,
    id: codeIdAt(i),
    orderId: orderIdAt(runTag, i),
    cip: cipAt(i),
    payment: base.payment === null ? null : { ...base.payment, operationNumber: operationAt(i) },
  });
  const seedTemplates = new Map(
    FINAL_STATUSES.map((status) => {
      const base = final.get(status)!;
      const marked: CashCode = {
        ...base,
        id: MARK.id,
        orderId: MARK.order,
        cip: MARK.cip,
        payment: base.payment === null ? null : { ...base.payment, operationNumber: MARK.operation },
      };
      const template: SeedTemplate = {
        status,
        version: base.version,
        expiresAt: base.expiresAt,
        updatedAt: base.updatedAt,
        doc: serializeCode(marked),
      };
      return [status, template];
    }),
  );
  return {
    runTag,
    code(i) {
      const status = statusAt(i);
      return codeFrom(status === 'pending' ? pending : final.get(status)!, i);
    },
    template: (status) => seedTemplates.get(status)!,
  };
}

/** What a seeder produces for code number `i` from a template (the JS twin of the SQL and Lua). */
export function fillTemplate(doc: string, runTag: string, i: number): string {
  return doc
    .replace(MARK.id, codeIdAt(i))
    .replace(MARK.order, orderIdAt(runTag, i))
    .replace(MARK.cip, cipAt(i))
    .replace(MARK.operation, operationAt(i));
}

/** The numbers of a level's pending codes (seeded with `claimOrder`), whatever its size. */
export function pendingNumbers(): number[] {
  return Array.from({ length: PENDING_CODES }, (_, k) => PENDING_BASE + k);
}
