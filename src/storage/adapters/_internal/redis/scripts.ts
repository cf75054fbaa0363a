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

/** Lua helper: the Redis server clock in epoch milliseconds. */
const CLOCK = `
local function clock()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function ms(value) return string.format('%.0f', value) end
`;

/** Claim the order (ARGV: id, orderId, cip, status, version, exp, upd, doc, replacingId, replacingVersion). */
export const CLAIM_ORDER = `#!lua
local P = KEYS[1]
local id, orderId, cip, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local orderKey = P .. 'order:' .. orderId
local currentId = redis.call('GET', orderKey)
if currentId then
  local currentKey = P .. 'code:' .. currentId
  if ARGV[9] == '' or currentId ~= ARGV[9] or redis.call('HGET', currentKey, 'version') ~= ARGV[10] then
    return {'current', redis.call('HGET', currentKey, 'doc')}
  end
elseif ARGV[9] ~= '' then
  return {'no_code'}
end
local codeKey = P .. 'code:' .. id
if redis.call('EXISTS', codeKey) == 1 then return {'id_conflict'} end
if cip ~= '' and redis.call('EXISTS', P .. 'cip:' .. cip) == 1 then return {'cip_conflict'} end
redis.call('HSET', codeKey, 'doc', ARGV[8], 'status', status, 'version', ARGV[5], 'cip', cip,
  'order', orderId, 'exp', ARGV[6], 'upd', ARGV[7])
redis.call('SET', orderKey, id)
if cip ~= '' then redis.call('SET', P .. 'cip:' .. cip, id) end
redis.call('ZADD', P .. 'idx:all', 0, id)
redis.call('ZADD', P .. 'idx:status:' .. status, 0, id)
if status == 'pending' then redis.call('ZADD', P .. 'due', ARGV[6], id) end
return {'claimed'}
`;

/** Compare-and-set a code (ARGV: id, expectedVersion, version, orderId, cip, status, exp, upd, doc). */
export const UPDATE_CODE = `#!lua
local P = KEYS[1]
local id, cip, status = ARGV[1], ARGV[5], ARGV[6]
local codeKey = P .. 'code:' .. id
local stored = redis.call('HMGET', codeKey, 'version', 'order', 'cip', 'status')
if not stored[1] or stored[1] ~= ARGV[2] then return {'stale'} end
if stored[2] ~= ARGV[4] then return {'order_change', stored[2]} end
if stored[3] ~= '' and stored[3] ~= cip then return {'cip_immutable', stored[3]} end
local newCip = cip ~= '' and stored[3] == ''
if newCip then
  local holder = redis.call('GET', P .. 'cip:' .. cip)
  if holder and holder ~= id then return {'cip_conflict'} end
end
redis.call('HSET', codeKey, 'doc', ARGV[9], 'status', status, 'version', ARGV[3], 'cip', cip,
  'exp', ARGV[7], 'upd', ARGV[8])
if newCip then redis.call('SET', P .. 'cip:' .. cip, id) end
if stored[4] ~= status then
  redis.call('ZREM', P .. 'idx:status:' .. stored[4], id)
  redis.call('ZADD', P .. 'idx:status:' .. status, 0, id)
end
if status ~= 'pending' then
  redis.call('ZREM', P .. 'due', id)
  redis.call('ZREM', P .. 'leased', id)
elseif not redis.call('ZSCORE', P .. 'leased', id) then
  redis.call('ZADD', P .. 'due', ARGV[7], id)
end
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

/** Lease up to `limit` due codes (ARGV: cutoff ms, limit, leaseMs); returns their documents. */
export const CLAIM_EXPIRED: string = `#!lua
${CLOCK}
local P = KEYS[1]
local due, leased = P .. 'due', P .. 'leased'
local now = clock()
-- Lapsed leases put still-pending codes back in the queue (a bounded number per call).
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', ms(now), 'LIMIT', 0, 1000)) do
  redis.call('ZREM', leased, id)
  local code = redis.call('HMGET', P .. 'code:' .. id, 'status', 'exp')
  if code[1] == 'pending' then redis.call('ZADD', due, code[2], id) end
end
local leaseEnd = ms(now + tonumber(ARGV[3]))
local docs = {}
for i, id in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', due, id)
  redis.call('ZADD', leased, leaseEnd, id)
  docs[i] = redis.call('HGET', P .. 'code:' .. id, 'doc')
end
return docs
`;

/**
 * Count a hit in a fixed window that starts at the first hit (ARGV: key, limit, windowMs); the TTL is
 * set only when the window starts. Returns {allowed 0|1, count, resetAt ms}.
 */
export const HIT: string = `#!lua
${CLOCK}
local key = KEYS[1] .. 'hit:' .. ARGV[1]
local limit = tonumber(ARGV[2])
local now = clock()
local stored = redis.call('HMGET', key, 'count', 'reset')
local count, reset = tonumber(stored[1]), tonumber(stored[2])
if not count or not reset or reset <= now then
  reset = now + tonumber(ARGV[3])
  redis.call('HSET', key, 'count', 1, 'reset', ms(reset))
  redis.call('PEXPIREAT', key, ms(reset))
  return {1, 1, reset}
end
if count >= limit then return {0, math.min(count, limit), reset} end
redis.call('HINCRBY', key, 'count', 1)
return {1, count + 1, reset}
`;
