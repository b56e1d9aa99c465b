-- R, second step, in the content's slot: the moment the registration becomes visible.
-- KEYS: content hash, rotation zset. ARGV: peer, provider value, meta (size and digest).
-- On a standalone store also KEYS[3] the listing and ARGV[4] the content name: whatever this
-- answers, the content then has a provider, so its name is listed here (a cluster lists it in a
-- step of its own, the listing being on another slot).
-- The content hash: "\0m" meta, "\0s" rotation counter (from the second provider on: 1 while
-- absent), PEER -> provider value (u16 port, u8 address length, address, stamp); the queue only
-- with two providers or more (see content.lua).
local c, q = KEYS[1], KEYS[2]
if KEYS[3] then redis.call('ZADD', KEYS[3], 0, ARGV[4]) end
local f = redis.call('HMGET', c, ARGV[1], '\0m', '\0s')
if f[1] then return {'ALREADY_REGISTERED'} end
local m = f[2]
if m and m ~= ARGV[3] then return {'CONFLICT'} end
-- the counter read above and written back with the provider (the script is atomic): one call
local seq = (tonumber(f[3]) or (m and 1 or 0)) + 1
local turn = string.format('%d', seq)
if m then
  redis.call('HSET', c, '\0s', turn, ARGV[1], ARGV[2])
  -- a content with providers: the second one makes the queue
  enqueue(c, q, {turn, ARGV[1]}, 2, providers(c) - 1, seq - 1)
else
  -- the first provider: no queue, no counter (content.lua)
  redis.call('HSET', c, '\0m', ARGV[3], ARGV[1], ARGV[2])
end
return {'OK'}
