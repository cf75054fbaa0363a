import { CLOCK, ID_ORDER, INDEXES, OUTBOX, RECORDS } from './lua.js';
import { SCHEMA_VERSION } from './schema.js';

// The Lua scripts of the Redis store. Redis runs a script atomically: no other command interleaves.
// Each script does every check before its first write, and the `#!lua` shebang (Redis 7+) makes Redis
// refuse a script up front when it is out of memory, so a script either writes everything or nothing.
//
// KEYS[1] is the store's key prefix (ioredis adds the client's own `keyPrefix` to it), and every key a
// script touches starts with it. On Redis Cluster, put a hash tag in the prefix (`{pe}:`) so that all
// of them live in one slot.
//
// Key layout under the prefix P:
//   P code:<id>          hash  doc (serialised code), status, version, cip ('' if none), order, exp, upd
//   P order:<orderId>    string  id of the order's current code
//   P cip:<cip>          string  id of the code holding the CIP
//   P idx:all            zset (score 0, members ordered by id) of every code
//   P idx:status:<s>     zset (score 0) of the codes in status <s>
//   P idx:upd:<s>        zset of the codes in status <s>, scored by updatedAt (ms)
//   P resv               zset of reserving codes, scored by lease end (ms; -inf without a lease)
//   P schema             string  version of this index layout (see schema.ts); P schema:cursor its
//                        backfill's progress
//   P due                zset of pending codes no sweeper holds, scored by expiry (ms)
//   P leased             zset of codes a sweeper holds, scored by lease end (ms, Redis clock)
//   P sweepheld:<owner>  set  codes a named sweeper holds (the code hash's `lown` names the owner)
// The code hash also keeps `wid`, the id of its last commit, so a re-sent commit is recognised; the
// lifecycle log and outbox keys are listed in lua.ts.

/**
 * Claim the order and write the claim's records (ARGV: id, orderId, cip, status, version, exp, upd,
 * doc, replacingId, replacingVersion, lease ms or '', records…). A re-sent claim finds the order
 * already pointing at this code at this version and answers `claimed` again, with the stored
 * document, writing nothing.
 */
export const CLAIM_ORDER: string = `#!lua
${OUTBOX}
${RECORDS}
${INDEXES}
local P = KEYS[1]
local id, orderId, cip, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local orderKey = P .. 'order:' .. orderId
local currentId = redis.call('GET', orderKey)
if currentId then
  local currentKey = P .. 'code:' .. currentId
  local current = redis.call('HMGET', currentKey, 'version', 'doc')
  if currentId == id and current[1] == ARGV[5] then return {'claimed', current[2]} end
  if ARGV[9] == '' or currentId ~= ARGV[9] or current[1] ~= ARGV[10] then
    return {'current', current[2]}
  end
elseif ARGV[9] ~= '' then
  return {'no_code'}
end
local codeKey = P .. 'code:' .. id
if redis.call('EXISTS', codeKey) == 1 then return {'id_conflict'} end
if cip ~= '' and redis.call('EXISTS', P .. 'cip:' .. cip) == 1 then return {'cip_conflict'} end
redis.call('HSET', codeKey, 'doc', ARGV[8], 'status', status, 'version', ARGV[5], 'cip', cip,
  'order', orderId, 'exp', ARGV[6], 'upd', ARGV[7], 'wid', '', 'lown', '')
redis.call('SET', orderKey, id)
if cip ~= '' then redis.call('SET', P .. 'cip:' .. cip, id) end
-- The first code of a store: no code of an earlier version can need the index backfill.
if redis.call('EXISTS', P .. 'idx:all') == 0 then redis.call('SET', P .. 'schema', ${SCHEMA_VERSION}, 'NX') end
redis.call('ZADD', P .. 'idx:all', 0, id)
indexCode(P, id, false, status, ARGV[7], ARGV[11])
if status == 'pending' then redis.call('ZADD', P .. 'due', ARGV[6], id) end
writeRecords(P, 12)
return {'claimed'}
`;

/**
 * Compare-and-set codes and write their records (ARGV: count, then per commit: id, expectedVersion,
 * version, orderId, cip, status, exp, upd, doc, writeId or '', lease ms or '', records…). Each commit
 * is judged as if the ones before it had landed; a commit whose write id is the code's last write, at
 * the version it wrote, is a re-execution (`updated`, nothing written). A refused commit (order change,
 * CIP change or conflict) refuses the whole batch before anything is written: {reason, index, detail}.
 * Otherwise {'ok', 'updated' | 'stale' per commit}.
 */
export const COMMIT_CODES: string = `#!lua
${OUTBOX}
${RECORDS}
${INDEXES}
local P = KEYS[1]
local FIELDS = 11
local function skipRecords(at)
  at = at + 1 + 3 * tonumber(ARGV[at])
  return at + 1 + 5 * tonumber(ARGV[at])
end
-- First pass: judge every commit against the state the earlier ones leave, writing nothing.
local view, cips, judged, at = {}, {}, {}, 2
for i = 1, tonumber(ARGV[1]) do
  local id, cip, wid = ARGV[at], ARGV[at + 4], ARGV[at + 9]
  local s = view[id]
  if not s then
    s = redis.call('HMGET', P .. 'code:' .. id, 'version', 'order', 'cip', 'wid')
    view[id] = s
  end
  local outcome = 'write'
  if wid ~= '' and s[1] == ARGV[at + 2] and s[4] == wid then outcome = 'replay'
  elseif not s[1] or s[1] ~= ARGV[at + 1] then outcome = 'stale'
  elseif s[2] ~= ARGV[at + 3] then return {'order_change', i, s[2]}
  elseif s[3] ~= '' and s[3] ~= cip then return {'cip_immutable', i, s[3]}
  elseif cip ~= '' and s[3] == '' then
    local holder = cips[cip]
    if holder == nil then holder = redis.call('GET', P .. 'cip:' .. cip) end
    if holder and holder ~= id then return {'cip_conflict', i, cip} end
    cips[cip] = id
  end
  if outcome == 'write' then view[id] = {ARGV[at + 2], s[2], cip, wid} end
  judged[i] = {outcome, at}
  at = skipRecords(at + FIELDS)
end
-- Second pass: write, in order.
local replies = {'ok'}
for i, j in ipairs(judged) do
  local outcome, at = j[1], j[2]
  if outcome == 'write' then
    local id, cip, status, exp, upd = ARGV[at], ARGV[at + 4], ARGV[at + 5], ARGV[at + 6], ARGV[at + 7]
    local codeKey = P .. 'code:' .. id
    local stored = redis.call('HMGET', codeKey, 'cip', 'status', 'lown')
    redis.call('HSET', codeKey, 'doc', ARGV[at + 8], 'status', status, 'version', ARGV[at + 2], 'cip', cip,
      'exp', exp, 'upd', upd, 'wid', ARGV[at + 9])
    if cip ~= '' and stored[1] == '' then redis.call('SET', P .. 'cip:' .. cip, id) end
    indexCode(P, id, stored[2], status, upd, ARGV[at + 10])
    if status ~= 'pending' then
      redis.call('ZREM', P .. 'due', id)
      redis.call('ZREM', P .. 'leased', id)
      if stored[3] and stored[3] ~= '' then
        redis.call('SREM', P .. 'sweepheld:' .. stored[3], id)
        redis.call('HSET', codeKey, 'lown', '')
      end
    elseif not redis.call('ZSCORE', P .. 'leased', id) then
      redis.call('ZADD', P .. 'due', exp, id)
    end
    writeRecords(P, at + FIELDS)
    replies[i + 1] = 'updated'
  else
    replies[i + 1] = outcome == 'replay' and 'updated' or 'stale'
  end
end
return replies
`;

/** A code through the order or CIP pointer (ARGV: 'order' | 'cip', value). */
export const LOOKUP = `#!lua flags=no-writes
local id = redis.call('GET', KEYS[1] .. ARGV[1] .. ':' .. ARGV[2])
if not id then return false end
return redis.call('HGET', KEYS[1] .. 'code:' .. id, 'doc')
`;

/**
 * Lease up to `limit` due codes (ARGV: cutoff ms, limit, leaseMs, owner or ''); returns {index members
 * visited, doc…}, oldest expiry first. A named owner gets the codes it still holds back first (a
 * re-sent claim), then due ones. Lapsed leases return to the queue, a bounded number per call.
 */
export const CLAIM_EXPIRED: string = `#!lua
${CLOCK}
${ID_ORDER}
local P = KEYS[1]
local due, leased = P .. 'due', P .. 'leased'
local limit, owner = tonumber(ARGV[2]), ARGV[4]
local now = clock()
local visited = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', ms(now), 'LIMIT', 0, 1000)) do
  visited = visited + 1
  redis.call('ZREM', leased, id)
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'exp', 'lown')
  if code[3] and code[3] ~= '' then
    redis.call('SREM', P .. 'sweepheld:' .. code[3], id)
    redis.call('HSET', P .. 'code:' .. id, 'lown', '')
  end
  if code[1] == 'pending' then redis.call('ZADD', due, code[2], id) end
end
local taken = {}
local function byExpiry(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return idLess(a[1], b[1])
end
if owner ~= '' then
  local heldKey = P .. 'sweepheld:' .. owner
  for _, id in ipairs(redis.call('SMEMBERS', heldKey)) do
    visited = visited + 1
    local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'lown', 'exp')
    local leaseEnd = redis.call('ZSCORE', leased, id)
    if code[1] == 'pending' and code[2] == owner and leaseEnd and tonumber(leaseEnd) > now then
      taken[#taken + 1] = {id, tonumber(code[3])}
    else
      redis.call('SREM', heldKey, id)
    end
  end
  table.sort(taken, byExpiry)
  while #taken > limit do table.remove(taken) end
end
if #taken < limit then
  local found = redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit - #taken)
  for i = 1, #found, 2 do taken[#taken + 1] = {found[i], tonumber(found[i + 1])} end
  visited = visited + #found / 2
end
table.sort(taken, byExpiry)
local leaseEnd = ms(now + tonumber(ARGV[3]))
local docs = {visited}
for i, item in ipairs(taken) do
  local id = item[1]
  redis.call('ZREM', due, id)
  redis.call('ZADD', leased, leaseEnd, id)
  redis.call('HSET', P .. 'code:' .. id, 'lown', owner)
  if owner ~= '' then redis.call('SADD', P .. 'sweepheld:' .. owner, id) end
  docs[i + 1] = redis.call('HGET', P .. 'code:' .. id, 'doc')
end
return docs
`;
