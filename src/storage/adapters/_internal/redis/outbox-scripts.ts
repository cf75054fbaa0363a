import { OUTBOX } from './lua.js';

// The Lua scripts of the event outbox (key layout in lua.ts). Time is the caller's `now`, as the
// contract says, so every worker judges due events and leases on the clock it passes. Work per call is
// bounded: lapsed leases are freed at most 1000 at a time, and only stream heads are ever looked at.

/** Lua: an outbox row as the scripts return it (see `outboxRows`). */
const ROW = `
local function row(out, id)
  local h = redis.call('HMGET', KEYS[1] .. 'ev:' .. id, 'doc', 'state', 'att', 'next', 'err', 'seq')
  for i = 1, 6 do out[#out + 1] = h[i] end
end
`;

/**
 * Lease due events (ARGV: now ms, limit, leaseMs, owner). The owner's live leases come back first in
 * the candidate list (a re-sent claim), then due stream heads; the `limit` first in stream order win.
 */
export const CLAIM_EVENTS: string = `#!lua
${OUTBOX}
${ROW}
local P = KEYS[1]
local now, limit, owner = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[4]
local due, leased, heldKey = P .. 'evdue', P .. 'evleased', P .. 'evheld:' .. owner
for _, m in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', ARGV[1], 'LIMIT', 0, 1000)) do
  local id = memberId(m)
  local h = redis.call('HMGET', P .. 'ev:' .. id, 'next', 'owner', 'stream')
  redis.call('ZREM', leased, m)
  -- Only a stream's head is due; a displaced event becomes due again when it is the head.
  if isHead(P, h[3], id) then redis.call('ZADD', due, h[1], m) end
  redis.call('SREM', P .. 'evheld:' .. h[2], id)
end
local taken = {}
for _, id in ipairs(redis.call('SMEMBERS', heldKey)) do
  local h = redis.call('HMGET', P .. 'ev:' .. id, 'state', 'owner', 'until', 'next', 'pos', 'stream')
  local mine = h[2] == owner and tonumber(h[3]) > now
  if h[1] == 'pending' and mine and tonumber(h[4]) <= now and isHead(P, h[6], id) then
    taken[#taken + 1] = member(h[5], id)
  elseif not mine or h[1] ~= 'pending' then
    redis.call('SREM', heldKey, id)
  end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, limit)) do
  taken[#taken + 1] = m
end
table.sort(taken, function(a, b) return memberPos(a) < memberPos(b) end)
local leaseEnd = string.format('%.0f', now + tonumber(ARGV[3]))
local out = {}
for i = 1, math.min(limit, #taken) do
  local m = taken[i]
  local id = memberId(m)
  redis.call('ZREM', due, m)
  redis.call('ZADD', leased, leaseEnd, m)
  redis.call('HSET', P .. 'ev:' .. id, 'owner', owner, 'until', leaseEnd)
  redis.call('SADD', heldKey, id)
  row(out, id)
end
return out
`;

/**
 * Record a delivery attempt (ARGV: id, owner, attempt, delivered 1|0, error, next ms, dead 1|0).
 * 1 when recorded now or already (a re-sent settle), 0 when the event is no longer this owner's at
 * this attempt.
 */
export const SETTLE_EVENT: string = `#!lua
${OUTBOX}
local P = KEYS[1]
local id, owner, attempt = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = P .. 'ev:' .. id
local h = redis.call('HMGET', key, 'state', 'att', 'owner', 'until', 'seq', 'pos', 'stream')
if not h[1] or h[3] ~= owner then return 0 end
local state, att = h[1], tonumber(h[2])
if ARGV[4] == '1' then
  if state == 'delivered' then return 1 end
  if state ~= 'pending' or att ~= attempt then return 0 end
  redis.call('HSET', key, 'state', 'delivered', 'att', attempt + 1, 'err', '', 'until', 0)
  moveState(P, id, h[5], 'pending', 'delivered')
  leaveStream(P, id, h[7], h[6])
else
  if att == attempt + 1 and h[4] == '0' then return 1 end
  if state ~= 'pending' or att ~= attempt then return 0 end
  redis.call('HSET', key, 'att', attempt + 1, 'err', '!' .. ARGV[5], 'next', ARGV[6], 'until', 0)
  if ARGV[7] == '1' then
    redis.call('HSET', key, 'state', 'dead')
    moveState(P, id, h[5], 'pending', 'dead')
    leaveStream(P, id, h[7], h[6])
  else
    -- Back to the due set at its next attempt, if it is still its stream's head.
    redis.call('ZREM', P .. 'evleased', member(h[6], id))
    if isHead(P, h[7], id) then redis.call('ZADD', P .. 'evdue', ARGV[6], member(h[6], id)) end
  end
end
redis.call('SREM', P .. 'evheld:' .. owner, id)
return 1
`;

/**
 * Put a dead event back to pending (ARGV: id, next ms): attempts reset, back in its outbox place
 * (again the oldest undelivered event of its code). 0 when unknown or not dead.
 */
export const REDRIVE_EVENT: string = `#!lua
${OUTBOX}
local P = KEYS[1]
local id = ARGV[1]
local key = P .. 'ev:' .. id
local h = redis.call('HMGET', key, 'state', 'seq', 'stream')
if h[1] ~= 'dead' then return 0 end
redis.call('HSET', key, 'state', 'pending', 'att', 0, 'next', ARGV[2], 'owner', '', 'until', 0, 'pos', h[2])
moveState(P, id, h[2], 'dead', 'pending')
enterStream(P, id, h[3], h[2], ARGV[2])
return 1
`;

/**
 * Up to `want` events after a seq from an index, scanning at most `batch` entries (ARGV: index,
 * afterSeq or '', want, batch, state or ''). Returns {exhausted 0|1, last scanned seq, row…}.
 */
export const LIST_EVENTS: string = `#!lua flags=no-writes
${ROW}
local P = KEYS[1]
local want, batch, state = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local from = ARGV[2] == '' and '-inf' or '(' .. ARGV[2]
local found = redis.call('ZRANGEBYSCORE', P .. ARGV[1], from, '+inf', 'WITHSCORES', 'LIMIT', 0, batch)
local out, taken, last = {0, ARGV[2]}, 0, nil
for i = 1, #found, 2 do
  local id = found[i]
  last = found[i + 1]
  if state == '' or redis.call('HGET', P .. 'ev:' .. id, 'state') == state then
    row(out, id)
    taken = taken + 1
  end
  if taken == want then break end
end
if #found < 2 * batch and (last == nil or last == found[#found]) then out[1] = 1 end
if last then out[2] = last end
return out
`;
