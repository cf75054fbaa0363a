import { CLOCK, OUTBOX, RECORDS } from './lua.js';

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
//   P due                zset of pending codes no sweeper holds, scored by expiry (ms)
//   P leased             zset of codes a sweeper holds, scored by lease end (ms, Redis clock)
//   P sweepheld:<owner>  set  codes a named sweeper holds (the code hash's `lown` names the owner)
// The code hash also keeps `wid`, the id of its last commit, so a re-sent commit is recognised; the
// lifecycle log and outbox keys are listed in lua.ts.

/**
 * Claim the order and write the claim's records (ARGV: id, orderId, cip, status, version, exp, upd,
 * doc, replacingId, replacingVersion, records…). A re-sent claim finds the order already pointing at
 * this code at this version and answers `claimed` again, with the stored document, writing nothing.
 */
export const CLAIM_ORDER: string = `#!lua
${OUTBOX}
${RECORDS}
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
redis.call('ZADD', P .. 'idx:all', 0, id)
redis.call('ZADD', P .. 'idx:status:' .. status, 0, id)
if status == 'pending' then redis.call('ZADD', P .. 'due', ARGV[6], id) end
writeRecords(P, 11)
return {'claimed'}
`;

/**
 * Compare-and-set a code and write its records (ARGV: id, expectedVersion, version, orderId, cip,
 * status, exp, upd, doc, writeId or '', records…). A commit whose write id is the code's last write,
 * at the version it wrote, is a re-execution: it answers `updated` and writes nothing.
 */
export const UPDATE_CODE: string = `#!lua
${OUTBOX}
${RECORDS}
local P = KEYS[1]
local id, cip, status, wid = ARGV[1], ARGV[5], ARGV[6], ARGV[10]
local codeKey = P .. 'code:' .. id
local stored = redis.call('HMGET', codeKey, 'version', 'order', 'cip', 'status', 'wid', 'lown')
if wid ~= '' and stored[1] == ARGV[3] and stored[5] == wid then return {'updated'} end
if not stored[1] or stored[1] ~= ARGV[2] then return {'stale'} end
if stored[2] ~= ARGV[4] then return {'order_change', stored[2]} end
if stored[3] ~= '' and stored[3] ~= cip then return {'cip_immutable', stored[3]} end
local newCip = cip ~= '' and stored[3] == ''
if newCip then
  local holder = redis.call('GET', P .. 'cip:' .. cip)
  if holder and holder ~= id then return {'cip_conflict'} end
end
redis.call('HSET', codeKey, 'doc', ARGV[9], 'status', status, 'version', ARGV[3], 'cip', cip,
  'exp', ARGV[7], 'upd', ARGV[8], 'wid', wid)
if newCip then redis.call('SET', P .. 'cip:' .. cip, id) end
if stored[4] ~= status then
  redis.call('ZREM', P .. 'idx:status:' .. stored[4], id)
  redis.call('ZADD', P .. 'idx:status:' .. status, 0, id)
end
if status ~= 'pending' then
  redis.call('ZREM', P .. 'due', id)
  redis.call('ZREM', P .. 'leased', id)
  if stored[6] and stored[6] ~= '' then
    redis.call('SREM', P .. 'sweepheld:' .. stored[6], id)
    redis.call('HSET', codeKey, 'lown', '')
  end
elseif not redis.call('ZSCORE', P .. 'leased', id) then
  redis.call('ZADD', P .. 'due', ARGV[7], id)
end
writeRecords(P, 11)
return {'updated'}
`;

/** A code through the order or CIP pointer (ARGV: 'order' | 'cip', value). */
export const LOOKUP = `#!lua flags=no-writes
local id = redis.call('GET', KEYS[1] .. ARGV[1] .. ':' .. ARGV[2])
if not id then return false end
return redis.call('HGET', KEYS[1] .. 'code:' .. id, 'doc')
`;

/**
 * Up to `want` codes after an id, scanning at most `batch` index entries (ARGV: index, afterId or '',
 * updatedSince or '', want, batch, statuses…). Returns {exhausted, lastScannedId, doc…}.
 */
export const LIST_CODES = `#!lua flags=no-writes
local P = KEYS[1]
local since = ARGV[3] ~= '' and tonumber(ARGV[3]) or nil
local want, batch = tonumber(ARGV[4]), tonumber(ARGV[5])
local statuses = nil
if #ARGV > 5 then
  statuses = {}
  for i = 6, #ARGV do statuses[ARGV[i]] = true end
end
local start = ARGV[2] == '' and '-' or '(' .. ARGV[2]
local ids = redis.call('ZRANGEBYLEX', P .. 'idx:' .. ARGV[1], start, '+', 'LIMIT', 0, batch)
local result, last = {0, ''}, ''
for i, id in ipairs(ids) do
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'upd', 'doc')
  if (statuses == nil or statuses[code[1]]) and (since == nil or tonumber(code[2]) >= since) then
    result[#result + 1] = code[3]
  end
  last = id
  if #result - 2 == want then break end
end
if #ids < batch and last == (ids[#ids] or '') then result[1] = 1 end
result[2] = last
return result
`;

/**
 * Lease up to `limit` due codes (ARGV: cutoff ms, limit, leaseMs, owner or ''); returns their documents,
 * oldest expiry first. A named owner gets the codes it still holds back first (a re-sent claim), then
 * due ones. Lapsed leases return to the queue, a bounded number per call.
 */
export const CLAIM_EXPIRED: string = `#!lua
${CLOCK}
local P = KEYS[1]
local due, leased = P .. 'due', P .. 'leased'
local limit, owner = tonumber(ARGV[2]), ARGV[4]
local now = clock()
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', ms(now), 'LIMIT', 0, 1000)) do
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
  return a[1] < b[1]
end
if owner ~= '' then
  local heldKey = P .. 'sweepheld:' .. owner
  for _, id in ipairs(redis.call('SMEMBERS', heldKey)) do
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
end
table.sort(taken, byExpiry)
local leaseEnd = ms(now + tonumber(ARGV[3]))
local docs = {}
for i, item in ipairs(taken) do
  local id = item[1]
  redis.call('ZREM', due, id)
  redis.call('ZADD', leased, leaseEnd, id)
  redis.call('HSET', P .. 'code:' .. id, 'lown', owner)
  if owner ~= '' then redis.call('SADD', P .. 'sweepheld:' .. owner, id) end
  docs[i] = redis.call('HGET', P .. 'code:' .. id, 'doc')
end
return docs
`;
