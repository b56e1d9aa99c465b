-- R in one step, on a standalone store (every key on one server, so one script may touch the
-- peer's slot and the content's): what claim.lua, register.lua and the listing do in three
-- steps on a cluster, checked first and then written, so a refusal writes nothing (but the
-- claim) and needs no undo. KEYS: peer hash, bucket lease zset, bucket count, content hash,
-- listing, and when the R has a shared reply the time buckets of R's replies as KEYS[6..],
-- newest first (see once.lua). The content's rotation
-- zset is not among them: its name is made from the content hash's ('ps:q' for 'ps:c', the same
-- tag) when the content gets a second provider, so an R costs one EVALSHA argument and one Lua
-- string fewer (run V in docs/benchmarks.md); on a standalone store a key need not be declared.
-- ARGV[1], one string (an EVALSHA costs about 1,000 instructions in Redis per argument, and
-- parsing a decimal number in Lua 600-1,200 more: see docs/scaling.md), packed big-endian with
-- struct.pack's formats: peer (u16 length and bytes), ip (u8, bytes), content (u16, bytes), now
-- and lease (i8, ms), the per-peer limit (i4), now and now + lease as decimal text (u8, bytes:
-- what the script writes), the provider value without its stamp (u8, bytes), meta (40 bytes);
-- then, with the buckets: the reply an R that acts gets (u8, bytes: written as its claim, so an
-- R that acts has its reply stored in the same call that claimed it), the newest bucket's time
-- to live and how long a claim holds (u8, decimal text each, ms), the request hash (32 bytes),
-- the claim's token and the request's field (u8, bytes each).
-- Returns {'DONE', reply} | {'WAIT'} | {'NEW'} | {'OLD'} | {'NAME_TAKEN'} | {'LIMIT'} (the
-- per-peer one: the caller looks for a CONFLICT, which ranks first) | {'ALREADY_REGISTERED'} |
-- {'CONFLICT'} | {'DEAD'} (the caller reaps and goes the way of a cluster, without the reply
-- key: this call made the claim).
-- Nine calls for a new registration of a known peer (the common case), each about as costly
-- as a command of its own: see docs/scaling.md. Numbers go to Redis as text (a Lua number is
-- formatted with "%.17g", about 2,000 instructions).
local peer, ip, content, now, lease, perPeer, stamp0, due, value, meta, pos =
  struct.unpack('>Hc0Bc0Hc0i8i8i4Bc0Bc0Bc0c40', ARGV[1])
local rk = KEYS[6]
local hash, token, px, field, ttl
if rk then
  local ack
  ack, ttl, px, hash, token, field = struct.unpack('>Bc0Bc0Bc0c32Bc0Bc0', ARGV[1], pos)
  local seen = claim_in(6, field, 'D' .. hash .. ack, now, ttl)
  if seen then return seen end
end
local function refuse(r)
  -- the claim turned back into a plain one, with its deadline (once.lua)
  if rk then redis.call('HSET', rk, field, 'P' .. hash .. token .. struct.pack('>i8', now + px)) end
  return r
end
local p, c = KEYS[1], KEYS[4]
local f = redis.call('HMGET', p, '\0i', '\0k', '\0d', content)
local owner, stamp = f[1], f[4]
-- whether the lease entry already stands at or before this registration's deadline
local covered = false
if owner then
  local k = f[2] + 0
  if owner ~= ip then return refuse(other_host(p, f, now, lease)) end
  if stamp then
    if deadline(stamp, k, lease) <= now then return refuse({'DEAD'}) end
  else
    local fields = redis.call('HLEN', p) - RESERVED
    if fields >= perPeer then return refuse({'LIMIT'}) end
    covered = entry_covers(k, now, fields, f[3] + 0)
  end
end
local g = redis.call('HMGET', c, peer, '\0m', '\0s')
local m = g[2]
local refused = g[1] and 'ALREADY_REGISTERED' or (m and m ~= meta and 'CONFLICT')
-- whatever this answers, the content then has a provider, so its name is listed (as in
-- register.lua)
redis.call('ZADD', KEYS[5], '0', content)
if refused then return refuse({refused}) end
-- an old registration missing from its content (its R's last step lost, on a cluster store
-- before) is completed here, as register.lua would
local new = not stamp
if new then
  stamp = stamp0
  if owner then
    redis.call('HSET', p, content, stamp)
  else
    redis.call('HSET', p, '\0i', ip, '\0k', stamp, '\0d', '0', content, stamp)
  end
  if not covered then redis.call('ZADD', KEYS[2], 'LT', due, peer) end
  redis.call('INCR', KEYS[3])
end
if m then
  -- the counter read above and written back with the provider: the script is atomic; the
  -- second provider makes the queue (content.lua)
  local s0 = tonumber(g[3]) or 1 -- none before the second provider (content.lua)
  local turn = string.format('%d', s0 + 1)
  redis.call('HSET', c, '\0s', turn, peer, value .. stamp)
  enqueue(c, 'ps:q' .. string.sub(c, 5), {turn, peer}, 2, providers(c) - 1, s0)
else
  -- the first provider: no queue, no counter (content.lua)
  redis.call('HSET', c, '\0m', meta, peer, value .. stamp)
end
return {new and 'NEW' or 'OLD'}
