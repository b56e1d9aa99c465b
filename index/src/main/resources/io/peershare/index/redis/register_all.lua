-- R in one step, on a standalone store (every key on one server, so one script may touch the
-- peer's slot and the content's): what claim.lua, register.lua and the listing do in three
-- steps on a cluster, checked first and then written, so a refusal writes nothing and needs no
-- undo. KEYS: peer hash, bucket lease zset, bucket count, content hash, rotation zset, listing.
-- ARGV: peer, ip, content, now, lease, perPeer, provider value without its stamp, meta. With a
-- reply key as KEYS[7] (see once.lua) also the reply an R that acts gets and how long a reply is
-- kept (ms): stored here, so the node sends no SET of its own for it.
-- Returns {'DONE', reply} | {'WAIT'} | {'NEW'} | {'OLD'} | {'NAME_TAKEN'} | {'LIMIT'} (the
-- per-peer one: the caller looks for a CONFLICT, which ranks first) | {'ALREADY_REGISTERED'} |
-- {'CONFLICT'} | {'DEAD'} (the caller reaps and goes the way of a cluster, without the reply
-- key: this call made the claim).
local seen = once(6)
if seen then return seen end
local p, c = KEYS[1], KEYS[4]
local peer, ip, content = ARGV[1], ARGV[2], ARGV[3]
local now, lease = tonumber(ARGV[4]), tonumber(ARGV[5])
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d', content)
local owner, stamp = f[1], f[4]
if owner then
  local k = tonumber(f[2])
  if owner ~= ip then return other_host(p, f, now, lease) end
  if stamp then
    if deadline(stamp, k, lease) <= now then return {'DEAD'} end
  elseif redis.call('HLEN', p) - RESERVED >= tonumber(ARGV[6]) then
    return {'LIMIT'}
  end
end
local g = redis.call('HMGET', c, peer, '\0m')
local m = g[2]
local refused = g[1] and 'ALREADY_REGISTERED' or (m and m ~= ARGV[8] and 'CONFLICT')
-- whatever this answers, the content then has a provider, so its name is listed (as in
-- register.lua)
redis.call('ZADD', KEYS[6], 0, content)
if refused then return {refused} end
-- an old registration missing from its content (its R's last step lost, on a cluster store
-- before) is completed here, as register.lua would
local new = not stamp
if new then
  stamp = ARGV[4]
  if owner then
    redis.call('HSET', p, content, stamp)
  else
    redis.call('HSET', p, '\0i', ip, '\0k', stamp, '\0d', 0, content, stamp)
  end
  redis.call('ZADD', KEYS[2], 'LT', now + lease, peer)
  redis.call('INCR', KEYS[3])
end
if m then
  redis.call('ZADD', KEYS[5], redis.call('HINCRBY', c, '\0s', 1), peer)
  redis.call('HSET', c, peer, ARGV[7] .. stamp)
else
  redis.call('HSET', c, '\0m', ARGV[8], '\0s', 1, peer, ARGV[7] .. stamp)
  redis.call('ZADD', KEYS[5], 1, peer)
end
if KEYS[7] then
  redis.call('SET', KEYS[7], 'D' .. ARGV[#ARGV - 2] .. ARGV[9], 'PX', ARGV[10])
end
return {new and 'NEW' or 'OLD'}
