// Lua scripts of the Redis backend's permanent keys and leader elections (see redis.scripts.ts
// for the keys they share). A fenced write names the election's lock key and the token it must
// hold; the check and the write are one script, so a deposed leader's late write never lands.

/**
 * Refuses the write unless the lock `ARGV[lockArg]` holds the token after it (-1; '' = not fenced),
 * and unless the key (`ARGV[2]`) holds the value after that (-2; '' = any).
 */
const fence = (lockArg: number) => `
local lock, token, expected = ARGV[${lockArg}], ARGV[${lockArg + 1}], ARGV[${lockArg + 2}]
if lock ~= '' and redis.call('GET', lock) ~= token then return -1 end
if expected ~= '' and redis.call('GET', ARGV[2]) ~= expected then return -2 end
`;

/**
 * ARGV: prefix, key, value, parent, grandparent, maxlen, lock, token, expected. Writes `key` with no
 * expiry and no owner (indexed with score +inf, so the sweeper never removes it). 1 = written,
 * -1 = fenced out, -2 = the key did not hold `expected`. @internal
 */
export const PUT_PERMANENT = `${fence(7)}
local p, key, value, parent, grand, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local old = redis.call('HGET', p .. 'owners', key)
if old then
  redis.call('SREM', p .. 'lease:' .. old .. ':keys', key)
  redis.call('HDEL', p .. 'owners', key)
end
redis.call('SET', key, value)
redis.call('ZADD', p .. 'index:' .. parent, '+inf', key)
redis.call('SADD', p .. 'children:' .. grand, parent)
redis.call('SADD', p .. 'indexes', parent)
redis.call('XADD', p .. 'log', 'MAXLEN', '~', maxlen, '*', 't', 'put', 'k', key, 'v', value, 's', '')
return 1
`;

/** ARGV: the DELETE script's (prefix, key, parent, maxlen), then lock, token, expected. -1 / -2 as above. @internal */
export const fencedDelete = (remove: string): string => `${fence(5)}${remove}`;

/**
 * ARGV: lock, sequence key, the caller's token ('' = none), ttl ms. Renews the caller's claim, or
 * takes a free lock with the next token of the sequence. Returns the token held, or '' when
 * another candidate holds the lock. @internal
 */
export const CAMPAIGN = `
local lock, seq, mine, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local held = redis.call('GET', lock)
if held and held == mine then
  redis.call('PEXPIRE', lock, ttl)
  return mine
end
if held then return '' end
local token = tostring(redis.call('INCR', seq))
redis.call('SET', lock, token, 'PX', ttl)
return token
`;

/** ARGV: lock, token. Releases the lock if the token still holds it. @internal */
export const RESIGN = `
if redis.call('GET', ARGV[1]) == ARGV[2] then redis.call('DEL', ARGV[1]) end
return 1
`;
