/**
 * Snapshot of the public export names of every subpath: renaming or removing a public name (a breaking
 * change for users) shows up as a snapshot diff that must be reviewed and updated on purpose
 * (`npx vitest run test/package/exports.test.ts -u`).
 */
import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../../scripts/entries.mjs';

const root = new URL('../../', import.meta.url);

describe('public export names', () => {
  it.each(Object.entries(ENTRIES).filter(([subpath]) => subpath !== './cli'))('%s', async (_subpath, source) => {
    const module = (await import(new URL(`${source}.ts`, root).href)) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toMatchSnapshot();
  });

  it('DESIGN.md section 3 names are exported where the contract says', async () => {
    const load = async (source: string): Promise<Record<string, unknown>> =>
      (await import(new URL(`${source}.ts`, root).href)) as Record<string, unknown>;
    const contract: Record<string, string[]> = {
      '.': ['createCashCodes'],
      './client': ['createPagoEfectivoClient'],
      './testing': ['createFakePagoEfectivo', 'signWebhook', 'describeStoreConformance'],
      './webhooks': ['verifyWebhook', 'createWebhookHandler'],
      './webhooks/node': ['toNodeListener'],
      './voucher': ['renderVoucher'],
      './voucher/token': ['createVoucherToken', 'verifyVoucherToken', 'generateVoucherKeys'],
      './storage/memory': ['memoryStore'],
      './storage/sqlite': ['sqliteStore'],
      './storage/postgres': ['postgresStore'],
      './storage/redis': ['redisStore'],
      './storage/mysql': ['mysqlStore'],
    };
    for (const [subpath, names] of Object.entries(contract)) {
      const module = await load(ENTRIES[subpath] as string);
      for (const name of names) expect(typeof module[name], `${subpath} exports ${name}`).toBe('function');
    }
  });
});
