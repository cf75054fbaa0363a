// Lua helpers pasted into the scripts that need them. Redis runs a script atomically, so these
// helpers may read and write freely; every caller does its refusing checks before calling a writer.
//
// Lifecycle logs and the event outbox, under the prefix P:
//   P log:<subject>        list    lifecycle entries as JSON, oldest first
//   P logids:<subject>     set     entry ids the subject has (a re-sent append adds nothing)
//   P ev:<id>              hash    doc (event JSON), state, att, next (ms), err ('' or '!' + message),
//                                  owner, until (ms), seq, pos (place in its stream: its seq), stream
//   P evseq                string  counter behind seq and pos
//   P evall                zset    every event by seq (outbox order)
//   P evstate:<state>      zset    events in that delivery state by seq (listing, ZCARD counts)
//   P evcode:<codeId>      zset    events of one code by seq
//   P evstream:<stream>    zset    undelivered, not dead events of one stream (a code, or the event
//                                  itself when it has no code) by pos; only the first one is due
//   P evdue                zset    stream heads nobody holds, scored by next attempt (ms)
//   P evleased             zset    events leased to a worker, scored by lease end (ms); normally heads,
//                                  but a re-drive may put an older event before a leased one
//   P evheld:<owner>       set     ids an owner holds, so its re-executed claim gets them back
// Members of evdue and evleased are `<pos, 15 digits>:<id>`: equal scores then sort in stream order.

/** Lua helper: the Redis server clock in epoch milliseconds, and integer formatting. */
export const CLOCK = `
local function clock()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function ms(value) return string.format('%.0f', value) end
`;

/**
 * Lua helper `idLess(a, b)`: byte order of two ids, the order `ZRANGEBYLEX` uses. Lua's `<` on strings
 * follows the server's collation locale, so it is used only when the locale compares bytes.
 */
export const ID_ORDER = `
local function byteLess(a, b)
  if a == b then return false end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local idLess = byteLess
if ('B' < 'a') and ('a-c' < 'ab') then idLess = function(a, b) return a < b end end
`;

/** Lua helpers of the outbox: stream membership and the head's place in the due set. */
export const OUTBOX: string = `
local function member(pos, id) return string.format('%015d', tonumber(pos)) .. ':' .. id end
local function memberId(m) return string.sub(m, 17) end
local function memberPos(m) return tonumber(string.sub(m, 1, 15)) end
local function isHead(P, stream, id) return redis.call('ZRANGE', P .. 'evstream:' .. stream, 0, 0)[1] == id end
-- Add an event to its stream at its place. When it lands first it is the stream's head and due at
-- once, and the event it displaced (a re-drive lands before newer ones) leaves the due set.
local function enterStream(P, id, stream, pos, nxt)
  local key = P .. 'evstream:' .. stream
  redis.call('ZADD', key, pos, id)
  if not isHead(P, stream, id) then return end
  local displaced = redis.call('ZRANGE', key, 1, 1)[1]
  if displaced then
    local h = redis.call('HMGET', P .. 'ev:' .. displaced, 'pos')
    redis.call('ZREM', P .. 'evdue', member(h[1], displaced))
  end
  redis.call('ZADD', P .. 'evdue', nxt, member(pos, id))
end
-- Remove an event (delivered or dead) from its stream and from the due and leased sets; the next
-- event of the stream becomes due.
local function leaveStream(P, id, stream, pos)
  local key = P .. 'evstream:' .. stream
  local head = redis.call('ZRANGE', key, 0, 0)[1]
  redis.call('ZREM', key, id)
  redis.call('ZREM', P .. 'evdue', member(pos, id))
  redis.call('ZREM', P .. 'evleased', member(pos, id))
  if head ~= id then return end
  local nextId = redis.call('ZRANGE', key, 0, 0)[1]
  if nextId then
    local h = redis.call('HMGET', P .. 'ev:' .. nextId, 'next', 'pos')
    redis.call('ZADD', P .. 'evdue', h[1], member(h[2], nextId))
  end
end
local function moveState(P, id, seq, from, to)
  redis.call('ZREM', P .. 'evstate:' .. from, id)
  redis.call('ZADD', P .. 'evstate:' .. to, seq, id)
end
`;

/**
 * Lua helper `writeRecords(P, at)`: append the entries and add the events encoded in ARGV from index
 * `at` (see `recordArgs`), skipping ids already stored. Needs {@link OUTBOX}.
 */
export const RECORDS: string = `
local function writeRecords(P, at)
  local n = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, n do
    local subject, entryId, json = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    at = at + 3
    if entryId == '' or redis.call('SADD', P .. 'logids:' .. subject, entryId) == 1 then
      redis.call('RPUSH', P .. 'log:' .. subject, json)
    end
  end
  n = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, n do
    local id, stream, codeId, json, nxt = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]
    at = at + 5
    local key = P .. 'ev:' .. id
    if redis.call('EXISTS', key) == 0 then
      local seq = redis.call('INCR', P .. 'evseq')
      redis.call('HSET', key, 'doc', json, 'state', 'pending', 'att', 0, 'next', nxt, 'err', '',
        'owner', '', 'until', 0, 'seq', seq, 'pos', seq, 'stream', stream)
      redis.call('ZADD', P .. 'evall', seq, id)
      redis.call('ZADD', P .. 'evstate:pending', seq, id)
      if codeId ~= '' then redis.call('ZADD', P .. 'evcode:' .. codeId, seq, id) end
      enterStream(P, id, stream, seq, nxt)
    end
  end
  return at
end
`;

/**
 * Lua helper `indexCode(P, id, oldStatus or false, status, upd, lease)`: keep the listing indexes of a
 * code in step with its status, update time (ms) and reservation lease (ms, '' for none).
 */
export const INDEXES = `
local function indexCode(P, id, old, status, upd, lease)
  if old and old ~= status then
    redis.call('ZREM', P .. 'idx:status:' .. old, id)
    redis.call('ZREM', P .. 'idx:upd:' .. old, id)
  end
  redis.call('ZADD', P .. 'idx:status:' .. status, 0, id)
  redis.call('ZADD', P .. 'idx:upd:' .. status, upd, id)
  if status == 'reserving' then
    redis.call('ZADD', P .. 'resv', lease == '' and '-inf' or lease, id)
  elseif old == 'reserving' then
    redis.call('ZREM', P .. 'resv', id)
  end
end
`;
