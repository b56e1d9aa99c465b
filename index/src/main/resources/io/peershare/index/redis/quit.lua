-- Q, first step, in the peer's slot: every registration of the peer from this IP becomes a
-- tombstone at once (none can be renewed after the Q), and the caller removes them from their
-- contents. KEYS: peer hash, bucket lease zset, bucket count. ARGV: peer, ip, now. With a reply
-- key as KEYS[4]: see once.lua. Returns {'DONE', reply} | {'WAIT'} | {'OK', tombstone pairs...}.
local seen = once(3)
if seen then return seen end
local p, l = KEYS[1], KEYS[2]
local owner = redis.call('HGET', p, '\0i')
if not owner or owner ~= ARGV[2] then return {'OK'} end
local all = redis.call('HGETALL', p)
local tombs, marked = {'OK'}, 0
for i = 1, #all, 2 do
  local f, v = all[i], all[i + 1]
  if string.byte(f, 1) ~= 0 then
    if is_tomb(v) then
      v = string.sub(v, 2)
    else
      redis.call('HSET', p, f, 'd' .. v)
      marked = marked + 1
    end
    tombs[#tombs + 1] = f
    tombs[#tombs + 1] = v
  end
end
if marked > 0 then redis.call('HINCRBY', p, '\0d', marked) end
if #tombs > 1 then redis.call('ZADD', l, 'LT', tonumber(ARGV[3]) + 5000, ARGV[1]) end
return tombs
