-- Many R in one step, on a standalone store: the R of one receive batch, each exactly as
-- register_all.lua would take it alone at its turn, in the batch's order, in one script call
-- (the call's fixed cost, about as much as four calls from Lua, is paid once per batch, not per
-- R). The script reads first and writes after, keeping what it decided in tables, so that each
-- record is read and written once per batch however many R it has:
--   1. for each R in order: its claim (once.lua's look: the claim is written as the A it gets
--      when it acts), the checks of register_all.lua against the records as the earlier R of
--      this call left them (read once per peer and once per content, then kept up to date here);
--   2. each peer's new fields in one HSET, its lease entry when a first registration moves it,
--      and each bucket's count in one INCRBY;
--   3. each content's providers in one HSET and its queue in one ZADD;
--   4. the listing in one ZADD.
-- Writes go peer side first (2 before 3), as rule 1 of docs/scaling.md wants even of a script
-- stopped half-way by an error; refusals write nothing but their claim, turned back into a plain
-- claim. The caller never puts two R of one peer and one content in a call.
-- KEYS: the listing, then per R: peer hash, bucket lease zset, bucket count, content hash,
-- rotation zset, reply key. ARGV: now, lease, per-peer limit, how long a stored reply is kept,
-- how long a claim holds (ms); then per R: peer, ip, content, provider value without its stamp,
-- meta, the A it gets when it acts, request hash, claim token.
-- Returns two items per R: a status as register_all.lua's (NEW, OLD, DONE, WAIT, NAME_TAKEN,
-- LIMIT, ALREADY_REGISTERED, CONFLICT, DEAD; LIMIT only when the content has no CONFLICT, which
-- ranks first) or LATER (below), and the stored reply for DONE ('' otherwise).
local now, lease, perPeer = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local keep, px = ARGV[4], ARGV[5]
local n = (#KEYS - 1) / 6
local out = {}
local peers, peerOrder = {}, {}
local contents, contentOrder = {}, {}
local counts, countOrder = {}, {}
local names = {}

-- The peer record as this call leaves it: owner, k, tombstones, fields (nil until needed), this
-- call's new fields, the stamps of the contents this call registers (read once for all of this
-- call's R of the peer, in one HMGET with the reserved fields).
local function peer_of(i)
  local p = KEYS[2 + 6 * i]
  local rec = peers[p]
  if rec then return rec end
  -- one read for the owner, renewal, tombstone count and every content this call registers
  local want, at = {'\0i', '\0k', '\0d'}, {}
  for j = i, n - 1 do
    if KEYS[2 + 6 * j] == p then
      at[ARGV[8 + 8 * j]] = #want + 1
      want[#want + 1] = ARGV[8 + 8 * j]
    end
  end
  local f = redis.call('HMGET', p, unpack(want))
  local has = {}
  for c, k in pairs(at) do has[c] = f[k] end
  -- every field in the constructor (one allocation, no rehash as fields are set later)
  rec = {p = p, name = ARGV[6 + 8 * i], owner = f[1], k = f[2], d = f[3], has = has, add = {},
    lease = KEYS[3 + 6 * i], count = KEYS[4 + 6 * i], entry = false, fields = false}
  peers[p] = rec
  peerOrder[#peerOrder + 1] = rec
  return rec
end

-- The content as this call leaves it: meta, rotation counter, which peers provide it (read when
-- asked), the providers and queue entries this call adds; and whether `peer` provided it.
local function content_of(i, peer)
  local c = KEYS[5 + 6 * i]
  local rec = contents[c]
  if not rec then
    local g = redis.call('HMGET', c, peer, '\0m', '\0s')
    rec = {c = c, q = KEYS[6 + 6 * i], add = {}, queue = {}, m = g[2], s = tonumber(g[3]) or 0,
      has = {[peer] = g[1]}}
    contents[c] = rec
    contentOrder[#contentOrder + 1] = rec
    return rec, g[1]
  end
  local had = rec.has[peer]
  if had == nil then
    had = redis.call('HEXISTS', c, peer) == 1
    rec.has[peer] = had
  end
  return rec, had
end

-- Writes the peer's new fields and, if a first registration moved it, its lease entry.
local function flush(rec)
  if #rec.add > 0 then
    redis.call('HSET', rec.p, unpack(rec.add))
    if rec.entry then redis.call('ZADD', rec.lease, 'LT', now + lease, rec.name) end
    rec.add, rec.entry = {}, false
  end
end

-- One R, decided against the records as the earlier R left them: a status.
local function one(i)
  local a = 8 + 8 * i -- ARGV[a + 1] is this R's peer name
  local peer, ip, content = ARGV[a - 2], ARGV[a - 1], ARGV[a]
  local rec = peer_of(i)
  local stamp = rec.has[content]
  local covered = false
  if rec.owner then
    local k = tonumber(rec.k)
    if rec.owner ~= ip then
      -- other_host reads the record and may reap it: it gets what this call added first, and
      -- later R of this peer read the record again
      flush(rec)
      peers[rec.p] = nil
      return other_host(rec.p, {rec.owner, rec.k, rec.d}, now, lease)[1]
    end
    if stamp then
      if deadline(stamp, k, lease) <= now then return 'DEAD' end
    else
      if not rec.fields then rec.fields = redis.call('HLEN', rec.p) - RESERVED end
      if rec.fields >= perPeer then
        -- CONFLICT ranks first (what the caller of register_all.lua looks at after it), as the
        -- content is now, before the later R of this call change it
        local crec = content_of(i, peer)
        if crec.m and crec.m ~= ARGV[a + 2] then return 'CONFLICT' end
        return 'LIMIT'
      end
      covered = entry_covers(k, now, rec.fields, tonumber(rec.d))
    end
  end
  local meta = ARGV[a + 2]
  local crec, had = content_of(i, peer)
  names[#names + 1] = 0
  names[#names + 1] = content
  if had then return 'ALREADY_REGISTERED' end
  if crec.m and crec.m ~= meta then return 'CONFLICT' end
  local new = not stamp
  if new then
    stamp = ARGV[1]
    if not rec.owner then
      rec.owner, rec.k, rec.d, rec.fields = ip, stamp, '0', 0
      rec.add[1], rec.add[2], rec.add[3], rec.add[4], rec.add[5], rec.add[6] =
        '\0i', ip, '\0k', stamp, '\0d', 0
    end
    rec.add[#rec.add + 1] = content
    rec.add[#rec.add + 1] = stamp
    rec.has[content] = stamp
    rec.fields = rec.fields + 1
    if not covered then rec.entry = true end
    counts[rec.count] = (counts[rec.count] or 0) + 1
    if counts[rec.count] == 1 then countOrder[#countOrder + 1] = rec.count end
  end
  if not crec.m then
    crec.m = meta
    crec.add[#crec.add + 1] = '\0m'
    crec.add[#crec.add + 1] = meta
  end
  crec.s = crec.s + 1
  crec.has[peer] = true
  crec.add[#crec.add + 1] = peer
  crec.add[#crec.add + 1] = ARGV[a + 1] .. stamp
  crec.queue[#crec.queue + 1] = crec.s
  crec.queue[#crec.queue + 1] = peer
  return new and 'NEW' or 'OLD'
end

-- peers with an R answered DEAD: the caller reaps and takes that R again; this peer's later R
-- are not looked at (LATER: no claim, nothing written), and the caller takes them after it, in order
local blocked = {}
for i = 0, n - 1 do
  local a = 8 + 8 * i
  local key, hash = KEYS[7 + 6 * i], ARGV[a + 4]
  local seen = nil
  if blocked[KEYS[2 + 6 * i]] then
    seen = {'LATER'}
  else
    seen = look(key, 'D' .. hash .. ARGV[a + 3], keep, hash)
  end
  if seen then
    out[#out + 1] = seen[1]
    out[#out + 1] = seen[2] or ''
  else
    local status = one(i)
    if status ~= 'NEW' and status ~= 'OLD' then
      redis.call('SET', key, 'P' .. hash .. ARGV[a + 5], 'PX', px)
      if status == 'DEAD' then blocked[KEYS[2 + 6 * i]] = true end
    end
    out[#out + 1] = status
    out[#out + 1] = ''
  end
end

for _, rec in ipairs(peerOrder) do flush(rec) end
for _, key in ipairs(countOrder) do redis.call('INCRBY', key, counts[key]) end
for _, crec in ipairs(contentOrder) do
  if #crec.add > 0 then
    crec.add[#crec.add + 1] = '\0s'
    crec.add[#crec.add + 1] = crec.s
    redis.call('HSET', crec.c, unpack(crec.add))
    redis.call('ZADD', crec.q, unpack(crec.queue))
  end
end
if #names > 0 then redis.call('ZADD', KEYS[1], unpack(names)) end
return out
