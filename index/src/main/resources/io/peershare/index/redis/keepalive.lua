-- K, in the peer's slot: renews every live registration by moving one timestamp. Dead ones
-- (a missed renewal) become tombstones first, so the renewal cannot bring them back; the caller
-- removes them from their contents. KEYS: peer hash, bucket lease zset.
-- ARGV: peer, ip, now, lease. With a reply key as KEYS[4]: see once.lua.
-- Returns {'DONE', reply} | {'WAIT'} | {'OK' | 'NOT_FOUND', tombstone pairs...}.
local seen = once(3)
if seen then return seen end
local p, l = KEYS[1], KEYS[2]
local now, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d')
local owner = f[1]
if not owner or owner ~= ARGV[2] then return {'NOT_FOUND'} end
local k = tonumber(f[2])
local tombs, live = {}, 0
if k + lease > now then
  -- renewed in time: every field that is not a tombstone is alive
  live = redis.call('HLEN', p) - RESERVED - tonumber(f[3])
else
  tombs, live = reap(p, now, lease)
end
local reply = {live > 0 and 'OK' or 'NOT_FOUND'}
for i = 1, #tombs do reply[#reply + 1] = tombs[i] end
if live > 0 then redis.call('HSET', p, '\0k', ARGV[3]) end
if #tombs > 0 then redis.call('ZADD', l, 'LT', now + 5000, ARGV[1]) end
return reply
