-- K, in the peer's slot: renews every live registration by moving one timestamp. Dead ones
-- (a missed renewal) become tombstones first, so the renewal cannot bring them back; the caller
-- removes them from their contents. KEYS: peer hash, bucket lease zset.
-- ARGV: peer, ip, now, lease. With a reply key as KEYS[4] (see once.lua) also the A a K that
-- renews gets and how long a reply is kept (ms): written by the claim itself (once_done, as R in
-- one step), so a K that renews and has nothing left to remove has its reply stored in the call
-- that claimed it; any other answer turns it back into a plain claim, and the node stores the
-- reply it sends.
-- Returns {'DONE', reply} | {'WAIT'} | {'OK' | 'NOT_FOUND', tombstone pairs...}.
local seen = once_done(3, ARGV[5], ARGV[6])
if seen then return seen end
local p, l = KEYS[1], KEYS[2]
local now, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d')
local owner = f[1]
if not owner or owner ~= ARGV[2] then
  pending(3)
  return {'NOT_FOUND'}
end
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
-- the A stands only for a K done here: not one refused, nor one whose dead registrations the node
-- must still remove
if live == 0 or #tombs > 0 then pending(3) end
return reply
