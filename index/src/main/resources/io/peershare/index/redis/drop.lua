-- Removal of a dead or quit registration from its content, in the content's slot: only the one
-- with this stamp, so a late sweeper never removes a newer registration of the same peer.
-- KEYS: content hash, rotation zset. ARGV: peer, stamp. Returns {removed 0/1, providers left}.
local c, q = KEYS[1], KEYS[2]
local v = redis.call('HGET', c, ARGV[1])
if not v then return {0, providers(c)} end
local len = string.byte(v, 3)
if string.sub(v, 4 + len) ~= ARGV[2] then return {0, providers(c)} end
redis.call('HDEL', c, ARGV[1])
return {1, unqueue(c, q, ARGV[1])}
