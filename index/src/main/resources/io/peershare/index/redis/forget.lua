-- The last step of every removal, in the peer's slot, after the content lost the registration:
-- drops the fields whose stamp still matches (live or tombstone), and the whole record and its
-- lease entry when nothing is left. Safe to repeat. KEYS: peer hash, bucket lease zset, bucket
-- count. ARGV: peer, then content, stamp pairs. Returns how many fields went.
local p, l, n = KEYS[1], KEYS[2], KEYS[3]
local gone = 0
for i = 2, #ARGV, 2 do
  local v = redis.call('HGET', p, ARGV[i])
  if v == ARGV[i + 1] or v == 'd' .. ARGV[i + 1] then
    redis.call('HDEL', p, ARGV[i])
    if is_tomb(v) then redis.call('HINCRBY', p, '\0d', -1) end
    gone = gone + 1
  end
end
if gone > 0 then redis.call('DECRBY', n, gone) end
local len = redis.call('HLEN', p) -- 0: no record (gone before, and its entry with it)
if len > 0 and len <= RESERVED then
  redis.call('DEL', p)
  redis.call('ZREM', l, ARGV[1])
end
return gone
