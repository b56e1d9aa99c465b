-- S, in the content's slot: the first `max` providers of the rotation, each moved to the back
-- in order (given the next counter values). KEYS: content hash, rotation zset. ARGV: max.
-- Returns {'NOT_FOUND'} | {'OK', meta, peer1, value1, peer2, value2, ...}.
-- Four calls when the content has a queue (the meta is read with their values): each call
-- from a script costs about as much as the command itself. A content with one provider has no
-- queue (content.lua): two calls, its whole hash read at once, and no turn to take.
local c, q = KEYS[1], KEYS[2]
local ps = redis.call('ZRANGE', q, 0, tonumber(ARGV[1]) - 1)
if #ps == 0 then
  local all = redis.call('HGETALL', c)
  local reply = {'OK', false}
  for i = 1, #all, 2 do
    local f = all[i]
    if f == '\0m' then
      reply[2] = all[i + 1]
    elseif string.byte(f, 1) ~= 0 then
      reply[3], reply[4] = f, all[i + 1]
    end
  end
  if not reply[2] then return {'NOT_FOUND'} end
  return reply
end
local last = redis.call('HINCRBY', c, '\0s', #ps)
local z = {}
for i = 1, #ps do
  z[#z + 1] = last - #ps + i
  z[#z + 1] = ps[i]
end
redis.call('ZADD', q, unpack(z))
local vs = redis.call('HMGET', c, '\0m', unpack(ps))
local reply = {'OK', vs[1]}
for i = 1, #ps do
  reply[#reply + 1] = ps[i]
  reply[#reply + 1] = vs[i + 1]
end
return reply
