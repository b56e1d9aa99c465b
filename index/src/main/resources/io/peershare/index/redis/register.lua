-- R, second step, in the content's slot: the moment the registration becomes visible.
-- KEYS: content hash, rotation zset. ARGV: peer, provider value, meta (size and digest).
-- On a standalone store also KEYS[3] the listing and ARGV[4] the content name: whatever this
-- answers, the content then has a provider, so its name is listed here (a cluster lists it in a
-- step of its own, the listing being on another slot).
-- The content hash: "\0m" meta, "\0s" rotation counter, PEER -> provider value
-- (u16 port, u8 address length, address, stamp). The rotation zset scores each peer with the
-- counter value of its last turn: the lowest score is the front of the queue.
local c, q = KEYS[1], KEYS[2]
if KEYS[3] then redis.call('ZADD', KEYS[3], 0, ARGV[4]) end
local f = redis.call('HMGET', c, ARGV[1], '\0m', '\0s')
if f[1] then return {'ALREADY_REGISTERED'} end
local m = f[2]
if m and m ~= ARGV[3] then return {'CONFLICT'} end
-- the counter read above and written back with the provider (the script is atomic): one call
local seq = (tonumber(f[3]) or 0) + 1
if m then
  redis.call('HSET', c, '\0s', seq, ARGV[1], ARGV[2])
else
  redis.call('HSET', c, '\0m', ARGV[3], '\0s', seq, ARGV[1], ARGV[2])
end
redis.call('ZADD', q, seq, ARGV[1])
return {'OK'}
