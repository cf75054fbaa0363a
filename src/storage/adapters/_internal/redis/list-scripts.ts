import { ID_ORDER } from './lua.js';

// The read-only listing scripts of the Redis store (key layout in scripts.ts). Each one reads only
// index entries near its answer, and reports how many index members it read (`visited`), so a test can
// show that a page never walks every code.

/**
 * A time-window listing gathers its candidates from the update-time indexes and sorts them when there
 * are at most this many (and gathering is cheaper than walking ids); otherwise it walks ids.
 */
export const TIME_PLAN_MAX = 4000;

/**
 * Up to `want` codes after an id, in id order (ARGV: afterId or '', updatedSince ms or '', want,
 * batch, every 1|0, status…). `every` means the statuses are all of them: ids then come from
 * `idx:all`. Without a window, the statuses' own id indexes are merged, `want` members each. With a
 * window, either its candidates come from the statuses' update-time indexes (when they are few and
 * gathering them costs less than walking ids: `m² <= want × n`), or the merged id indexes are walked,
 * at most `batch` ids per call. Index hits are checked against the code hash. Returns {exhausted 0|1,
 * last id examined, visited, doc…}.
 */
export const LIST_CODES: string = `#!lua flags=no-writes
${ID_ORDER}
local P = KEYS[1]
local after, since = ARGV[1], ARGV[2]
local want, batch, every = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
local statuses, wanted = {}, {}
for i = 6, #ARGV do
  statuses[#statuses + 1] = ARGV[i]
  wanted[ARGV[i]] = true
end
local sinceMs = since ~= '' and tonumber(since) or nil
local visited = 0
local out = {1, '', 0}
-- A hit counts when its hash agrees with the filter (an index never answers for a code alone).
local function take(id)
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'upd', 'doc')
  if code[1] and wanted[code[1]] and (sinceMs == nil or tonumber(code[2]) >= sinceMs) then
    out[#out + 1] = code[3]
  end
  return #out - 3 == want
end
if sinceMs then
  local matches, total = 0, 0
  for _, s in ipairs(statuses) do
    matches = matches + redis.call('ZCOUNT', P .. 'idx:upd:' .. s, since, '+inf')
    total = total + redis.call('ZCARD', P .. 'idx:status:' .. s)
  end
  if matches <= ${TIME_PLAN_MAX} and matches * matches <= want * total then
    local ids = {}
    for _, s in ipairs(statuses) do
      for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'idx:upd:' .. s, since, '+inf')) do
        visited = visited + 1
        if after == '' or idLess(after, id) then ids[#ids + 1] = id end
      end
    end
    table.sort(ids, idLess)
    for _, id in ipairs(ids) do
      if take(id) then break end
    end
    out[3] = visited
    return out
  end
end
local keys = {}
if every then keys[1] = P .. 'idx:all' else
  for _, s in ipairs(statuses) do keys[#keys + 1] = P .. 'idx:status:' .. s end
end
local fetch = sinceMs and batch or want
local start = after == '' and '-' or '(' .. after
local lists, heads, complete = {}, {}, true
for k, key in ipairs(keys) do
  lists[k] = redis.call('ZRANGEBYLEX', key, start, '+', 'LIMIT', 0, fetch)
  heads[k] = 1
  visited = visited + #lists[k]
  if #lists[k] == fetch then complete = false end
end
-- Merge: at most "fetch" picks, so no list runs out before its unread members could matter.
local last, picks, full = after, 0, false
while picks < fetch do
  local best = nil
  for k = 1, #lists do
    local id = lists[k][heads[k]]
    if id and (best == nil or idLess(id, lists[best][heads[best]])) then best = k end
  end
  if best == nil then break end
  last = lists[best][heads[best]]
  heads[best] = heads[best] + 1
  picks = picks + 1
  if take(last) then
    full = true
    break
  end
end
local drained = true
for k = 1, #lists do
  if lists[k][heads[k]] then drained = false end
end
out[1] = (complete and drained and not full) and 1 or 0
out[2] = last
out[3] = visited
return out
`;

/**
 * Reserving codes whose lease ended at or before a cutoff, oldest lease first (ARGV: cutoff ms,
 * limit); codes without a lease sort first. Returns {visited, doc…}.
 */
export const STALE_RESERVATIONS = `#!lua flags=no-writes
local P = KEYS[1]
local ids = redis.call('ZRANGEBYSCORE', P .. 'resv', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {#ids}
for _, id in ipairs(ids) do
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'doc')
  if code[1] == 'reserving' then out[#out + 1] = code[2] end
end
return out
`;

/**
 * One page of a lifecycle log (ARGV: subject, limit, before or ''): the `limit` entries before list
 * position `before` (the newest ones without it). Returns {first position, entry…}, or {-1} for a
 * position the log does not have.
 */
export const LOG_PAGE = `#!lua flags=no-writes
local key = KEYS[1] .. 'log:' .. ARGV[1]
local size = redis.call('LLEN', key)
local top = size
if ARGV[3] ~= '' then
  top = tonumber(ARGV[3])
  if top < 1 or top > size then return {-1} end
end
local first = math.max(0, top - tonumber(ARGV[2]))
local out = {first}
if top > 0 then
  for _, entry in ipairs(redis.call('LRANGE', key, first, top - 1)) do out[#out + 1] = entry end
end
return out
`;
