-- T, first step, in the content's slot. KEYS: content hash, rotation zset. ARGV: peer, ip.
-- With a reply key as KEYS[3]: see once.lua.
-- Returns {'DONE', reply} | {'WAIT'} | {'NOT_FOUND'} | {'NOT_OWNER'} | {'OK', stamp, providers left}.
local seen = once(2)
if seen then return seen end
local c, q = KEYS[1], KEYS[2]
local v = redis.call('HGET', c, ARGV[1])
if not v then
  if redis.call('EXISTS', c) == 0 then return {'NOT_FOUND'} end
  return {'NOT_OWNER'}
end
local len = string.byte(v, 3)
if string.sub(v, 4, 3 + len) ~= ARGV[2] then return {'NOT_OWNER'} end
redis.call('HDEL', c, ARGV[1])
return {'OK', string.sub(v, 4 + len), unqueue(c, q, ARGV[1])}
