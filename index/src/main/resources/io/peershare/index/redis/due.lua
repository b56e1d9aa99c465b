-- A sweep's look at one peer whose lease entry came due: tombstones what is dead, puts the entry
-- back at the earliest live deadline (or in 5 s while tombstones wait, in case this sweeper dies
-- before removing them), and returns the tombstones for the caller to remove. Two sweepers may
-- both get the same tombstones: the removals are conditional, so each goes once.
-- KEYS: peer hash, bucket lease zset. ARGV: peer, now, lease. Returns tombstone pairs.
local p, l = KEYS[1], KEYS[2]
local now, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', p) == 0 then
  redis.call('ZREM', l, ARGV[1])
  return {}
end
local tombs, live, first = reap(p, now, lease)
local next = first
if #tombs > 0 and (next == nil or next > now + 5000) then next = now + 5000 end
if next == nil then
  redis.call('DEL', p)
  redis.call('ZREM', l, ARGV[1])
else
  redis.call('ZADD', l, next, ARGV[1])
end
return tombs
