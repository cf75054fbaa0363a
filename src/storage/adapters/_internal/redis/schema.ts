import type { RunScript } from './client.js';
import { INDEXES } from './lua.js';

// The index layout has a version, kept in `P schema`. A store written before version 2 has no
// update-time indexes (`idx:upd:<status>`) and no reservation index (`resv`); the backfill adds them
// for every code, a bounded batch per script call, recording its progress in `P schema:cursor` so that
// several processes share the work and a crash resumes where it stopped. Writers keep both indexes in
// step from version 2 on, so the backfill runs once per store.

/** The index layout this version of the store writes and reads. */
export const SCHEMA_VERSION = 2;

/** Codes one backfill script call indexes, so that Redis is never blocked for long. */
export const BACKFILL_BATCH = 500;

/**
 * Index the next `batch` codes after the saved cursor (ARGV: target version, batch). The lease of a
 * reserving code is read from its document (`leaseUntil`, ISO 8601 as `JSON.stringify` writes it).
 * Returns {done 0|1, codes indexed}; done once the version key says `target`.
 */
export const BACKFILL: string = `#!lua
${INDEXES}
local P = KEYS[1]
local target, batch = tonumber(ARGV[1]), tonumber(ARGV[2])
if tonumber(redis.call('GET', P .. 'schema') or '1') >= target then return {1, 0} end
local function epochMs(iso)
  if type(iso) ~= 'string' then return nil end
  local y, mo, d, h, mi, s, frac = string.match(iso, '^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.?(%d*)Z$')
  if not y then return nil end
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  if mo <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
  local days = era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
  local millis = tonumber(string.sub(frac .. '000', 1, 3))
  return (((days * 24 + tonumber(h)) * 60 + tonumber(mi)) * 60 + tonumber(s)) * 1000 + millis
end
local cursor = redis.call('GET', P .. 'schema:cursor')
local start = cursor and '(' .. cursor or '-'
local ids = redis.call('ZRANGEBYLEX', P .. 'idx:all', start, '+', 'LIMIT', 0, batch)
for _, id in ipairs(ids) do
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'upd', 'doc')
  if code[1] then
    local lease = ''
    if code[1] == 'reserving' then
      local ends = epochMs(cjson.decode(code[3]).leaseUntil)
      if ends then lease = string.format('%.0f', ends) end
    end
    indexCode(P, id, false, code[1], code[2], lease)
  end
end
if #ids < batch then
  redis.call('SET', P .. 'schema', target)
  redis.call('DEL', P .. 'schema:cursor')
  return {1, #ids}
end
redis.call('SET', P .. 'schema:cursor', ids[#ids])
return {0, #ids}
`;

/**
 * The step that brings a store's indexes to {@link SCHEMA_VERSION}: the first call backfills (in
 * batches), later calls resolve at once. A failed backfill is retried by the next call. `reindex`
 * walks every code again (after a rolling upgrade, for codes that older instances wrote meanwhile).
 */
export function schemaUpgrade(run: RunScript, forget: () => Promise<unknown>): (reindex?: boolean) => Promise<number> {
  let upgraded = false;
  let running: Promise<number> | null = null;
  const backfill = async (): Promise<number> => {
    let indexed = 0;
    for (;;) {
      const [done, count] = (await run(BACKFILL, [SCHEMA_VERSION, BACKFILL_BATCH])) as [number, number];
      indexed += count;
      if (done === 1) return indexed;
    }
  };
  const upgrade = (): Promise<number> => {
    running ??= backfill().then(
      (indexed) => {
        upgraded = true;
        return indexed;
      },
      (error: unknown) => {
        running = null;
        throw error;
      },
    );
    return running;
  };
  return async (reindex = false) => {
    if (reindex) {
      await running?.catch(() => undefined);
      await forget();
      upgraded = false;
      running = null;
      return upgrade();
    }
    return upgraded ? 0 : upgrade();
  };
}
