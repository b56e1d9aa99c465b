-- R in one step, on a standalone store (every key on one server, so one script may touch the
-- peer's slot and the content's): what claim.lua, register.lua and the listing do in three
-- steps on a cluster, checked first and then written, so a refusal writes nothing (but the
-- claim) and needs no undo. KEYS: peer hash, bucket lease zset, bucket count, content hash,
-- rotation zset, listing. ARGV: peer, ip, content, now, lease, perPeer, provider value without
-- its stamp, meta. With a reply key as KEYS[7] (see once.lua) also the reply an R that acts gets
-- and how long a reply is kept (ms): written by the claim itself (once_done), so an R that acts
-- has its reply stored in the same call that claimed it.
-- Returns {'DONE', reply} | {'WAIT'} | {'NEW'} | {'OLD'} | {'NAME_TAKEN'} | {'LIMIT'} (the
-- per-peer one: the caller looks for a CONFLICT, which ranks first) | {'ALREADY_REGISTERED'} |
-- {'CONFLICT'} | {'DEAD'} (the caller reaps and goes the way of a cluster, without the reply
-- key: this call made the claim).
-- Nine calls for a new registration of a known peer (the common case), each about as costly
-- as a command of its own: see docs/scaling.md.
local seen = once_done(6, ARGV[9], ARGV[10])
if seen then return seen end
local function refuse(r)
  pending(6)
  return r
end
local p, c = KEYS[1], KEYS[4]
local peer, ip, content = ARGV[1], ARGV[2], ARGV[3]
local now, lease = tonumber(ARGV[4]), tonumber(ARGV[5])
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d', content)
local owner, stamp = f[1], f[4]
-- whether the lease entry already stands at or before this registration's deadline
local covered = false
if owner then
  local k = tonumber(f[2])
  if owner ~= ip then return refuse(other_host(p, f, now, lease)) end
  if stamp then
    if deadline(stamp, k, lease) <= now then return refuse({'DEAD'}) end
  else
    local fields = redis.call('HLEN', p) - RESERVED
    if fields >= tonumber(ARGV[6]) then return refuse({'LIMIT'}) end
    covered = entry_covers(k, now, fields, tonumber(f[3]))
  end
end
local g = redis.call('HMGET', c, peer, '\0m', '\0s')
local m = g[2]
local refused = g[1] and 'ALREADY_REGISTERED' or (m and m ~= ARGV[8] and 'CONFLICT')
-- whatever this answers, the content then has a provider, so its name is listed (as in
-- register.lua)
redis.call('ZADD', KEYS[6], 0, content)
if refused then return refuse({refused}) end
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
  if not covered then redis.call('ZADD', KEYS[2], 'LT', now + lease, peer) end
  redis.call('INCR', KEYS[3])
end
if m then
  -- the counter read above and written back with the provider: the script is atomic
  local turn = (tonumber(g[3]) or 0) + 1
  redis.call('HSET', c, '\0s', turn, peer, ARGV[7] .. stamp)
  redis.call('ZADD', KEYS[5], turn, peer)
else
  redis.call('HSET', c, '\0m', ARGV[8], '\0s', 1, peer, ARGV[7] .. stamp)
  redis.call('ZADD', KEYS[5], 1, peer)
end
return {new and 'NEW' or 'OLD'}
