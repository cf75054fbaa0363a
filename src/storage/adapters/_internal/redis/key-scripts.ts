import { CLOCK, OUTBOX, RECORDS } from './lua.js';

// The Lua scripts of the key, counter and log operations (see scripts.ts for the rules every script
// follows). Under the prefix P: `once:<key>` holds the owner of a consumeOnce marker, `took:<key>` is
// the tombstone of a value taken by a named owner (owner, value; it lives for the value's remaining
// TTL), `hit:<key>` is a counter hash that also remembers its last hit id and that hit's answer.

/** consumeOnce with an owner (ARGV: key, ttlMs, owner): 1 if set now or already set by this owner. */
export const CONSUME_ONCE = `#!lua
local key = KEYS[1] .. 'once:' .. ARGV[1]
if redis.call('SET', key, ARGV[3], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', key) == ARGV[3] then return 1 end
return 0
`;

/**
 * takeValue with an owner (ARGV: key, owner): the value, deleted and remembered in a tombstone for
 * its remaining lifetime, so the same owner's re-sent take gets it again; `false` when absent.
 */
export const TAKE_VALUE = `#!lua
local key, tomb = KEYS[1] .. 'val:' .. ARGV[1], KEYS[1] .. 'took:' .. ARGV[1]
local value = redis.call('GET', key)
if value then
  local ttl = redis.call('PTTL', key)
  redis.call('DEL', key)
  if ttl > 0 then
    redis.call('HSET', tomb, 'owner', ARGV[2], 'value', value)
    redis.call('PEXPIRE', tomb, ttl)
  end
  return value
end
local taken = redis.call('HMGET', tomb, 'owner', 'value')
if taken[1] == ARGV[2] then return taken[2] end
return false
`;

/**
 * Count a hit in a fixed window that starts at the first hit (ARGV: key, limit, windowMs, hitId or '');
 * the TTL is set only when the window starts. A hit whose id is the counter's last one is a re-sent
 * hit: it gets the first answer and is not counted. Returns {allowed 0|1, count, resetAt ms}.
 */
export const HIT: string = `#!lua
${CLOCK}
local key = KEYS[1] .. 'hit:' .. ARGV[1]
local limit, hitId = tonumber(ARGV[2]), ARGV[4]
local now = clock()
local stored = redis.call('HMGET', key, 'count', 'reset', 'hid', 'ha', 'hc')
local count, reset = tonumber(stored[1]), tonumber(stored[2])
local live = count ~= nil and reset ~= nil and reset > now
if hitId ~= '' and live and stored[3] == hitId then return {tonumber(stored[4]), tonumber(stored[5]), reset} end
local allowed, after
if not live then
  reset = now + tonumber(ARGV[3])
  redis.call('HSET', key, 'count', 1, 'reset', ms(reset))
  redis.call('PEXPIREAT', key, ms(reset))
  allowed, after = 1, 1
elseif count >= limit then
  allowed, after = 0, math.min(count, limit)
else
  redis.call('HINCRBY', key, 'count', 1)
  allowed, after = 1, count + 1
end
if hitId ~= '' then
  redis.call('HSET', key, 'hid', hitId, 'ha', allowed, 'hc', after)
else
  redis.call('HDEL', key, 'hid', 'ha', 'hc')
end
return {allowed, after, reset}
`;

/** Append entries and add events with no change of a code (ARGV: records…, see `recordArgs`). */
export const APPEND_RECORDS: string = `#!lua
${OUTBOX}
${RECORDS}
writeRecords(KEYS[1], 1)
return 1
`;
