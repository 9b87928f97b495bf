// Lua scripts of the Redis backend: every mutation and its change-log entry happen atomically.
// Internal keys live under a prefix (default `__nsr:`): `lease:{id}` (value = TTL ms),
// `lease:{id}:keys` (set), `owners` (hash key → lease), `index:{parent}` (sorted set of
// instance keys scored by expiry), `children:{parent}` (sub-indexes), `indexes` (all indexes),
// `log` (stream of changes: t=put|delete, k, v, s).

/** KEYS: none. ARGV: prefix, key, value, lease, now, parent, grandparent, maxlen. Returns the stream id. @internal */
export const PUT = `
local p, key, value, lease, now, parent, grand, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]
local full = redis.call('GET', p .. 'lease:' .. lease)
if not full then return redis.error_reply('NSR_LEASE_GONE lease ' .. lease .. ' not found') end
full = tonumber(full)
local old = redis.call('HGET', p .. 'owners', key)
if old and old ~= lease then redis.call('SREM', p .. 'lease:' .. old .. ':keys', key) end
redis.call('SET', key, value, 'PX', full)
redis.call('HSET', p .. 'owners', key, lease)
redis.call('SADD', p .. 'lease:' .. lease .. ':keys', key)
redis.call('PEXPIRE', p .. 'lease:' .. lease .. ':keys', full)
redis.call('ZADD', p .. 'index:' .. parent, now + full, key)
redis.call('SADD', p .. 'children:' .. grand, parent)
redis.call('SADD', p .. 'indexes', parent)
return redis.call('XADD', p .. 'log', 'MAXLEN', '~', maxlen, '*', 't', 'put', 'k', key, 'v', value, 's', lease)
`;

/** ARGV: prefix, key, parent, maxlen. Deletes one key; logs it if it existed. @internal */
export const DELETE = `
local p, key, parent, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local existed = redis.call('DEL', key)
local owner = redis.call('HGET', p .. 'owners', key)
if owner then
  redis.call('SREM', p .. 'lease:' .. owner .. ':keys', key)
  redis.call('HDEL', p .. 'owners', key)
end
local indexed = redis.call('ZREM', p .. 'index:' .. parent, key)
-- An expired key not swept yet is still indexed: consumers may hold it, so log its delete too.
if existed == 1 or indexed == 1 then redis.call('XADD', p .. 'log', 'MAXLEN', '~', maxlen, '*', 't', 'delete', 'k', key) end
return existed
`;

/** ARGV: prefix, lease, now. 1 = renewed (lease and every key it still owns), 0 = lease gone. @internal */
export const RENEW = `
local p, lease, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local s = p .. 'lease:' .. lease
local full = redis.call('GET', s)
if not full then return 0 end
full = tonumber(full)
redis.call('PEXPIRE', s, full)
redis.call('PEXPIRE', s .. ':keys', full)
for _, k in ipairs(redis.call('SMEMBERS', s .. ':keys')) do
  if redis.call('PEXPIRE', k, full) == 1 then
    local parent = string.match(k, '^(.*/)[^/]*$')
    if parent then redis.call('ZADD', p .. 'index:' .. parent, now + full, k) end
  end
end
return 1
`;

/** ARGV: prefix, lease, maxlen. Deletes every key of the lease (logged) and the lease. @internal */
export const REVOKE = `
local p, lease, maxlen = ARGV[1], ARGV[2], ARGV[3]
local s = p .. 'lease:' .. lease
for _, k in ipairs(redis.call('SMEMBERS', s .. ':keys')) do
  if redis.call('HGET', p .. 'owners', k) == lease then
    local existed = redis.call('DEL', k)
    redis.call('HDEL', p .. 'owners', k)
    local parent = string.match(k, '^(.*/)[^/]*$')
    local indexed = 0
    if parent then indexed = redis.call('ZREM', p .. 'index:' .. parent, k) end
    if existed == 1 or indexed == 1 then redis.call('XADD', p .. 'log', 'MAXLEN', '~', maxlen, '*', 't', 'delete', 'k', k) end
  end
end
redis.call('DEL', s, s .. ':keys')
return 1
`;

/** ARGV: prefix, now, maxlen. Logs a delete for every indexed key whose TTL ran out. Returns how many. @internal */
export const SWEEP = `
local p, now, maxlen = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local swept = 0
for _, parent in ipairs(redis.call('SMEMBERS', p .. 'indexes')) do
  local idx = p .. 'index:' .. parent
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', idx, '-inf', now)) do
    local left = redis.call('PTTL', k)
    if left > 0 then
      redis.call('ZADD', idx, now + left, k)
    else
      redis.call('DEL', k)
      redis.call('ZREM', idx, k)
      local owner = redis.call('HGET', p .. 'owners', k)
      if owner then
        redis.call('SREM', p .. 'lease:' .. owner .. ':keys', k)
        redis.call('HDEL', p .. 'owners', k)
      end
      redis.call('XADD', p .. 'log', 'MAXLEN', '~', maxlen, '*', 't', 'delete', 'k', k)
      swept = swept + 1
    end
  end
end
return swept
`;

/** ARGV: prefix, listPrefix. Returns { revision, key1, value1, owner1, ... } as one consistent snapshot. @internal */
export const LIST = `
local p, prefix = ARGV[1], ARGV[2]
local out = {}
local function add(parent)
  for _, k in ipairs(redis.call('ZRANGE', p .. 'index:' .. parent, 0, -1)) do
    local v = redis.call('GET', k)
    if v then
      table.insert(out, k)
      table.insert(out, v)
      table.insert(out, redis.call('HGET', p .. 'owners', k) or '')
    end
  end
end
add(prefix)
for _, child in ipairs(redis.call('SMEMBERS', p .. 'children:' .. prefix)) do add(child) end
local last = redis.call('XREVRANGE', p .. 'log', '+', '-', 'COUNT', 1)
local revision = '0-0'
if #last > 0 then revision = last[1][1] end
table.insert(out, 1, revision)
return out
`;
