import { describe, expect, it } from 'vitest';
import { appendAudit, readAuditLog } from '../../src/console/audit.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';

async function fill(store: CashCodeStore, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await appendAudit(store, {
      at: new Date(Date.UTC(2026, 11, 2, 15, 0, index)),
      staffId: index % 2 === 0 ? 'ana' : 'beto',
      action: 'code.lookup',
      target: `cip:${1000 + index}`,
      ip: '10.0.0.1',
      outcome: index === 3 ? 'refused' : 'ok',
      detail: index === 3 ? 'role' : null,
    });
  }
}

/** The store without its optional `readLogPage`, as a third-party store may be. */
function withoutPaging(store: CashCodeStore): CashCodeStore {
  return new Proxy(store, { get: (target, name) => (name === 'readLogPage' ? undefined : Reflect.get(target, name)) });
}

describe.each([
  ['with readLogPage', (store: CashCodeStore) => store],
  ['without readLogPage', withoutPaging],
])('the audit log (%s)', (_name, wrap) => {
  it('pages newest first, every entry exactly once, with who, what, when and the IP', async () => {
    const store = wrap(memoryStore());
    await fill(store, 7);
    const first = await readAuditLog(store, { limit: 3 });
    expect(first.entries.map((entry) => entry.target)).toEqual(['cip:1006', 'cip:1005', 'cip:1004']);
    expect(first.entries[0]).toMatchObject({ staffId: 'ana', action: 'code.lookup', ip: '10.0.0.1', outcome: 'ok' });
    expect(first.entries[0]?.at).toEqual(new Date(Date.UTC(2026, 11, 2, 15, 0, 6)));
    const second = await readAuditLog(store, { limit: 3, before: first.nextCursor });
    expect(second.entries.map((entry) => entry.target)).toEqual(['cip:1003', 'cip:1002', 'cip:1001']);
    expect(second.entries[0]).toMatchObject({ outcome: 'refused', detail: 'role' });
    const third = await readAuditLog(store, { limit: 3, before: second.nextCursor });
    expect(third.entries.map((entry) => entry.target)).toEqual(['cip:1000']);
    expect(third.nextCursor).toBeNull();
  });

  it('reads an empty log as an empty page', async () => {
    expect(await readAuditLog(wrap(memoryStore()))).toEqual({ entries: [], nextCursor: null });
  });
});
