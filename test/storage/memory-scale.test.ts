import { describe, expect, it } from 'vitest';
import { type CashCode, CODE_STATUSES, type CodeStatus } from '../../src/model/code.js';
import { createCodeTable, type MemoryCodeTable } from '../../src/storage/_memory/codes.js';
import { createRecords, type MemoryRecords } from '../../src/storage/_memory/records.js';
import { createSortedSet, type IndexMeter } from '../../src/storage/_memory/sorted.js';
import { sampleCode } from './_fixtures/records.js';

// Invariant 13 (costs grow with the work due, not with the codes stored), proven by counting what the
// memory store's indexes compare and hand out, never by timing: the same operation on 2,000 and on
// 40,000 stored codes must do about the same work.

const START = Date.UTC(2026, 2, 1, 15);

interface Seeded {
  table: MemoryCodeTable;
  meter: IndexMeter;
  count: number;
}

/** `count` codes cycling through every status; every 100th pending code is due, reservations stale. */
function seed(count: number): Seeded {
  const meter: IndexMeter = { comparisons: 0, visits: 0 };
  const table = createCodeTable(() => START, createRecords(), meter);
  for (let index = 0; index < count; index += 1) {
    const status: CodeStatus = CODE_STATUSES[index % CODE_STATUSES.length]!;
    const due = index % 800 === 1; // a pending code (index % 8 === 1) that expired already
    const code: CashCode = sampleCode({
      id: `code${String(index).padStart(7, '0')}`,
      orderId: `order${index}`,
      cip: status === 'reserving' ? null : String(10_000_000 + index),
      status,
      expiresAt: new Date(due ? START - 60_000 - index : START + 86_400_000 + index),
      updatedAt: new Date(START - 86_400_000 + index),
      leaseUntil: status === 'reserving' ? new Date(START - 1_000 - (index % 97)) : null,
    });
    table.claimOrder(code);
  }
  return { table, meter, count };
}

/** The index work one call does. */
function work<T>(
  seeded: Seeded,
  call: (table: MemoryCodeTable, count: number) => T,
): { result: T; comparisons: number; visits: number } {
  seeded.meter.comparisons = 0;
  seeded.meter.visits = 0;
  const result = call(seeded.table, seeded.count);
  return { result, comparisons: seeded.meter.comparisons, visits: seeded.meter.visits };
}

describe('memory store scale (counted index work, no timing)', () => {
  const small = seed(2_000);
  const large = seed(40_000);

  const operations: Array<[string, (table: MemoryCodeTable, count: number) => unknown, number]> = [
    ['listCodes, first page of everything', (t) => t.listCodes({ limit: 100 }), 100],
    [
      'listCodes by one status, a middle page',
      (t) => t.listCodes({ statuses: ['paid'], limit: 100, cursor: 'id:code0001000' }),
      100,
    ],
    [
      'listCodes by three statuses',
      (t) => t.listCodes({ statuses: ['pending', 'expired', 'review'], limit: 100 }),
      100,
    ],
    [
      'listCodes of the 50 codes updated last',
      (t, count) => t.listCodes({ updatedSince: new Date(START - 86_400_000 + count - 50), limit: 100 }),
      100,
    ],
    ['listStaleReservations', (t) => t.listStaleReservations({ now: new Date(START), limit: 50 }), 50],
  ];

  for (const [name, call, limit] of operations) {
    it(`${name}: visits at most the page and comparisons grow like log N`, () => {
      const few = work(small, call);
      const many = work(large, call);
      // The page, plus one look-ahead per merged status list.
      expect(many.visits).toBeLessThanOrEqual(limit + 4);
      expect(few.visits).toBeLessThanOrEqual(limit + 4);
      // 20x the codes: a scan would do ~20x the work; log N adds a few comparisons per search.
      expect(many.comparisons + many.visits).toBeLessThanOrEqual(2 * (few.comparisons + few.visits) + 50);
    });
  }

  it('listCodes pages with an updatedSince cut through the middle cost about the same on 20x the codes', () => {
    // Half the codes are recent: the id walk is the cheaper strategy and must stop after the page.
    const call = (t: MemoryCodeTable) =>
      t.listCodes({ statuses: ['paid'], updatedSince: new Date(START - 86_400_000 + 1_000), limit: 50 });
    const few = work(small, call);
    const many = work(large, call);
    expect(many.visits).toBeLessThanOrEqual(few.visits * 2 + 10);
    expect((many.result as { codes: CashCode[] }).codes).toHaveLength(50);
  });

  it('claimExpired touches only the due codes, however many pending codes are stored', () => {
    const claim = (t: MemoryCodeTable) =>
      t.claimExpired({ now: new Date(START), limit: 1000, leaseMs: 60_000, owner: 'w1' });
    const few = work(small, claim);
    const many = work(large, claim);
    expect((few.result as CashCode[]).length).toBe(3);
    expect((many.result as CashCode[]).length).toBe(50);
    // Only the due entries are handed out (plus the first not-due one, which ends the walk).
    expect(many.visits).toBeLessThanOrEqual(51);
    // Per code claimed, the work is a few log N searches.
    expect(many.comparisons / 50).toBeLessThanOrEqual(4 * Math.log2(40_000) + 10);
    // Nothing is due any more: another worker's claim does the same small work at both sizes.
    const other = (t: MemoryCodeTable) =>
      t.claimExpired({ now: new Date(START), limit: 1000, leaseMs: 60_000, owner: 'w2' });
    const idleFew = work(small, other);
    const idleMany = work(large, other);
    expect(idleMany.result).toEqual([]);
    expect(idleMany.visits).toBeLessThanOrEqual(1);
    expect(idleMany.comparisons).toBeLessThanOrEqual(2 * idleFew.comparisons + 20);
  });

  it('a sorted set keeps its items ordered and found through many inserts and deletes', () => {
    const set = createSortedSet<number>((a, b) => a - b);
    const held = new Set<number>();
    let seedValue = 7;
    for (let step = 0; step < 20_000; step += 1) {
      seedValue = (seedValue * 1_103_515_245 + 12_345) % 2 ** 31;
      const value = seedValue % 5_000;
      if (held.has(value)) {
        expect(set.delete(value)).toBe(true);
        held.delete(value);
      } else {
        expect(set.add(value)).toBe(true);
        held.add(value);
      }
    }
    const sorted = [...held].sort((a, b) => a - b);
    expect([...set.from(null)]).toEqual(sorted);
    expect(set.size).toBe(sorted.length);
    expect(set.add(sorted[0]!)).toBe(false);
    expect(set.countBelow(2_500)).toBe(sorted.filter((value) => value < 2_500).length);
    expect([...set.from(2_500, true)]).toEqual(sorted.filter((value) => value > 2_500));
    expect(set.first()).toBe(sorted[0]);
  });

  describe('listEvents', () => {
    /** `count` events: every 50th left pending, every 50th (offset 25) dead, the rest delivered. */
    function outbox(count: number): { records: MemoryRecords; meter: IndexMeter } {
      const meter: IndexMeter = { comparisons: 0, visits: 0 };
      const records = createRecords('memory', meter);
      const at = new Date(START);
      const events = Array.from({ length: count }, (_, index) => ({
        id: `evt${String(index).padStart(7, '0')}`,
        type: 'code.paid' as const,
        codeId: `code${String(index).padStart(7, '0')}`,
        orderId: `order${index}`,
        cip: String(10_000_000 + index),
        at,
        source: 'webhook' as const,
        data: {},
      }));
      records.write({ entries: [], events });
      for (let claimed = records.claimEvents({ limit: 1000, leaseMs: 60_000, owner: 'w', now: at }); ; ) {
        const settle = claimed.filter((item) => Number(item.event.id.slice(3)) % 50 !== 0);
        if (settle.length === 0) break;
        for (const item of settle) {
          const dead = Number(item.event.id.slice(3)) % 50 === 25;
          const outcome = dead
            ? { delivered: false as const, error: 'refused', nextAttemptAt: at, dead: true }
            : { delivered: true as const };
          expect(records.settleEvent({ id: item.event.id, owner: 'w', attempt: 0, outcome })).toBe(true);
        }
        claimed = records.claimEvents({ limit: 1000, leaseMs: 60_000, owner: 'w', now: at });
      }
      return { records, meter };
    }
    const few = outbox(2_000);
    const many = outbox(40_000);
    const pages: Array<[string, (records: MemoryRecords) => { events: unknown[]; nextCursor: string | null }]> = [
      ['dead letters, first page', (r) => r.listEvents({ state: 'dead', limit: 20 })],
      [
        'pending events, a page after a cursor',
        (r) => r.listEvents({ state: 'pending', limit: 20, cursor: 'seq:1000' }),
      ],
      ['every event, a middle page', (r) => r.listEvents({ limit: 20, cursor: 'seq:1500' })],
    ];
    for (const [name, call] of pages) {
      it(`${name}: walks the page only, on 20x the events`, () => {
        const counted = (subject: { records: MemoryRecords; meter: IndexMeter }) => {
          subject.meter.comparisons = 0;
          subject.meter.visits = 0;
          const page = call(subject.records);
          return { page, work: subject.meter.visits + subject.meter.comparisons, visits: subject.meter.visits };
        };
        const small = counted(few);
        const large = counted(many);
        expect(large.page.events).toHaveLength(20);
        expect(large.page.nextCursor).not.toBeNull();
        // The page and the one look-ahead that says more follow (walked through the metered index).
        expect(large.visits).toBeGreaterThanOrEqual(20);
        expect(large.visits).toBeLessThanOrEqual(21);
        expect(large.work).toBeLessThanOrEqual(2 * small.work + 50);
      });
    }
  });
});
