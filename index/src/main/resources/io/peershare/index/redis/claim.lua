-- R, first step, in the peer's slot: the name rule, the per-peer limit, and the registration
-- written into the peer record before it appears in its content (so none is ever seen there
-- without a lease). KEYS: peer hash, bucket lease zset, bucket count.
-- ARGV: peer, ip, content, now, lease, perPeer. With a reply key as KEYS[4]: see once.lua.
-- Returns {'DONE', reply} | {'WAIT'} | {'NEW', stamp} | {'OLD', stamp} | {'NAME_TAKEN'} |
-- {'LIMIT'} | {'DEAD'} (dead registrations of this name must be removed first: the caller reaps
-- and asks again, without the reply key: this call made the claim).
local seen = once(3)
if seen then return seen end
local p, l, n = KEYS[1], KEYS[2], KEYS[3]
local peer, ip, content = ARGV[1], ARGV[2], ARGV[3]
local now, lease, perPeer = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
-- one read for the owner, renewal, tombstone count and this content's field
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d', content)
local owner = f[1]
if owner then
  local k = tonumber(f[2])
  if owner ~= ip then return other_host(p, f, now, lease) end
  local v = f[4]
  if v then
    if deadline(v, k, lease) <= now then return {'DEAD'} end
    return {'OLD', v}
  end
  local fields = redis.call('HLEN', p) - RESERVED
  if fields >= perPeer then return {'LIMIT'} end
  redis.call('HSET', p, content, ARGV[4])
  if not entry_covers(k, now, fields, tonumber(f[3])) then
    redis.call('ZADD', l, 'LT', now + lease, peer)
  end
else
  redis.call('HSET', p, '\0i', ip, '\0k', ARGV[4], '\0d', 0, content, ARGV[4])
  redis.call('ZADD', l, 'LT', now + lease, peer)
end
redis.call('INCR', n)
return {'NEW', ARGV[4]}
