-- A sweep found a swarm empty: it leaves its bucket's due set, unless an announce since has put
-- it back with a later time. KEYS: the bucket's due set. ARGV: info hash, cutoff.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
