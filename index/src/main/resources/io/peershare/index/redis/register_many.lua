-- Many R in one step, on a standalone store: the R of one receive batch, each exactly as
-- register_all.lua would take it alone at its turn, in the batch's order, in one script call
-- (the call's fixed cost, about as much as four calls from Lua, is paid once per batch, not per
-- R). The script reads first and writes after, keeping what it decided in tables, so that each
-- record is read and written once per batch however many R it has:
--   1. for each R in order: its claim (found in the time buckets of R's replies, read for all
--      the call's R with one HMGET per bucket: once.lua), the checks of register_all.lua against
--      the records as the earlier R of this call left them (read once per peer and once per
--      content, then kept up to date here); then every claim made, in one HSET (the claim is
--      written as the A its R gets when it acts, a plain claim with its deadline when refused);
--   2. each peer's new fields in one HSET, its lease entry when a first registration moves it,
--      and each bucket's count in one INCRBY;
--   3. each content's providers in one HSET and, once it has two providers or more, its queue in
--      one ZADD (content.lua: a content with one provider has no queue);
--   4. the listing in one ZADD.
-- Writes go peer side first (2 before 3), as rule 1 of docs/scaling.md wants even of a script
-- stopped half-way by an error; refusals write nothing but their claim, turned back into a plain
-- claim. The caller never puts two R of one peer and one content in a call.
-- KEYS: the listing; then per peer of the call (P of them, each once): peer hash, bucket lease
-- zset, bucket count; then per R: its content hash; then the time buckets of R's replies, newest
-- first (once.lua: an R's reply is a field there, not a key). A content's rotation zset is not among
-- them: the one-pass path never touches it, and the general path makes its name from the content
-- hash's ('ps:q' for 'ps:c', the same tag), so an R costs one EVALSHA argument and one Lua string
-- fewer (about 1,600 instructions per R in Redis: run V in docs/benchmarks.md). This script runs
-- on a standalone store only (a batch's keys are on many slots), where a key need not be declared.
-- ARGV[1], one string (as register_all.lua's, so that an R costs no EVALSHA argument of its own),
-- packed big-endian with struct.pack's formats: now and lease (i8, ms), the per-peer limit (i4),
-- now and now + lease, the newest bucket's time to live and how long a claim holds (ms), as
-- decimal text (u8 length and bytes each), P (u16) and each peer's name (u16, bytes); then per R: its peer's
-- number among the P (u16, from 0), ip (u8, bytes), content (u16, bytes), the provider value as
-- a registration made now gets it, its stamp (now, as text) at the end (u8, bytes), meta (40
-- bytes), the claim an R that acts writes: 'D', the request hash (32 bytes) and the A it gets
-- (u8, bytes); then, after every R, each R's field in the buckets (its source address, port and
-- request id: u8, bytes), then each R's claim token (u8, bytes), read only for a refusal.
-- Each string the script writes comes whole, so that an R costs no concatenation in Lua (each
-- a new string, hashed and interned: run R in docs/benchmarks.md).
-- Returns {'NEW'} when every R acted as a new registration (the common case: one item, not two
-- per R); otherwise two items per R: a status as register_all.lua's (NEW, OLD, DONE, WAIT,
-- NAME_TAKEN, LIMIT, ALREADY_REGISTERED, CONFLICT, DEAD; LIMIT only when the content has no
-- CONFLICT, which ranks first) or LATER (below), and the stored reply for DONE ('' otherwise).
-- Numbers go to Redis as text (a Lua number is formatted with "%.17g", about 2,000 instructions).
local blob = ARGV[1]
local now, lease, perPeer, stamp0, due, ttl, px, np, pos =
  struct.unpack('>i8i8i4Bc0Bc0Bc0Bc0H', blob)
-- the names in one call (then where the R begin)
local names = {struct.unpack('>' .. string.rep('Hc0', np), blob, pos)}
pos = names[np + 1]
local base = 1 + 3 * np -- KEYS[base + i + 1]: the content hash of R i
local rb = #KEYS - 2 -- KEYS[rb .. rb + 2]: the claims' buckets, newest first (once.lua)
local n = rb - 1 - base
-- Every R in one table, read by one call: R i (from 0) at v[6i + 1 .. 6i + 6]: its peer's
-- number (from 0), ip, content, provider value (with a new registration's stamp), meta, claim
-- ('D', request hash, A); v[6n + 1] is where the tokens begin. (A table built by a constructor is
-- sized once; one grown a value at a time is rehashed at every power of two, which cost more than
-- all the rest of this script's bookkeeping.)
local v = {struct.unpack('>' .. string.rep('HBc0Hc0Bc0c40Bc0', n), blob, pos)}
local function rp(i) return v[6 * i + 1] + 1 end
-- A table with room for k values (at most 6n), for the caller to overwrite: sized once, as above.
-- Lengths are kept in counters, never taken with # (which searches a full table's hash part).
local function room(k) return {unpack(v, 1, k)} end

-- the claims' fields (each R's source), after every R
local fields = {struct.unpack('>' .. string.rep('Bc0', n), blob, v[6 * n + 1])}
-- the claims' tokens, after the fields: read only when a claim is turned back into a plain one
local tokens = nil
local function token(i)
  if not tokens then tokens = {struct.unpack('>' .. string.rep('Bc0', n), blob, fields[n + 1])} end
  return tokens[i + 1]
end
-- each R's field in the three buckets (once.lua), one HMGET per bucket for all of the call's R
local function claims()
  local call = redis.call
  return call('HMGET', KEYS[rb], unpack(fields, 1, n)), call('HMGET', KEYS[rb + 1], unpack(fields, 1, n)),
    call('HMGET', KEYS[rb + 2], unpack(fields, 1, n))
end
-- the claims this call writes (field, value pairs), all in one HSET into the newest bucket,
-- whose expiry its first write sets
local function put(claimed, k)
  if k > 0 then
    redis.call('HSET', KEYS[rb], unpack(claimed, 1, k))
    redis.call('PEXPIRE', KEYS[rb], ttl, 'NX')
  end
end

-- Whether none of this call's contents exists yet, found by one EXISTS of them all: then each
-- content's record starts empty here, without an HMGET of its own (nor an HEXISTS for a second
-- peer of it), one call fewer per R. A peer sharing new files sends such batches; one registering
-- again what others provide pays this one call per batch and reads each content as before.
local fresh, NONE = false, {false, false, false}
if n >= 2 then
  fresh = redis.call('EXISTS', unpack(KEYS, base + 1, base + n)) == 0
end

-- The text of a small whole number, as Redis takes it (without Lua's "%.17g")
local function int(x)
  if x == 1 then return '1' end
  return string.format('%d', x)
end

-- The common case, a peer sharing new files, in one pass with no record kept in tables: every
-- content of the call new (fresh), no two R of one content, and each peer's R all from one
-- address, its owner's (or a new peer's), none of its contents in its record and room for all of
-- them under the per-peer limit. Then every R acts (NEW) but those whose claim finds them done
-- or under way (a datagram sent again: DONE, WAIT), exactly as in the general path below, with
-- the same calls and writes in the same order (the same fields in the same order, so the same
-- bytes in Redis); only the Lua around them is less (about a fifth of Redis's CPU per R in such
-- batches: docs/benchmarks.md, run Q). Returns nil, having written nothing, when the call is not
-- that case; the general path then reads the peers again. It runs before the general path's
-- tables and functions are made, and walks the R as few times as it can (run AC in
-- docs/benchmarks.md): the checks with each peer's fields to read, the claims, the peers' new
-- fields, then the contents with the listing.
local function common()
  local call = redis.call
  -- no two R of one content; each peer's R from one address (its first R's); and per peer the
  -- fields its one read asks for (the reserved ones, then its contents in the R's order)
  local seen, first, nr, want = {}, {}, {}, {}
  for x = 1, 6 * n, 6 do
    local c, j = v[x + 2], v[x] + 1
    if seen[c] then return nil end
    seen[c] = true
    local k = nr[j]
    if k then
      if v[x + 1] ~= v[first[j] + 1] then return nil end
      want[j][k + 4] = c
      nr[j] = k + 1
    else
      first[j], nr[j] = x, 1
      want[j] = {'\0i', '\0k', '\0d', c}
    end
  end
  -- per peer: 0 new, 1 known with its lease entry covering, 2 known and the entry to move
  local state = {}
  for j = 1, np do
    local p, k = KEYS[3 * j - 1], nr[j]
    local f = call('HMGET', p, unpack(want[j], 1, k + 3))
    for y = 4, k + 3 do
      if f[y] then return nil end
    end
    local owner = f[1]
    if owner then
      if owner ~= v[first[j] + 1] then return nil end
      local fields = call('HLEN', p) - RESERVED
      if fields + k > perPeer then return nil end
      state[j] = entry_covers(tonumber(f[2]), now, fields, tonumber(f[3])) and 1 or 2
    else
      if k > perPeer then return nil end
      state[j] = 0
    end
  end
  -- the claims, each written as the A its R gets (once.lua's look); the replies of R whose claim
  -- finds them done (the reply) or under way (false), a datagram sent again, kept aside; acts:
  -- where each R that acts is in v, made only once one does not (until then the R in order)
  local claimed, nacts, seen1, acts = room(2 * n), 0, nil, nil
  local a, b, c = claims()
  local y = 1
  for i = 1, n do
    local w = a[i] or b[i] or c[i]
    local was = w and found(w, v[y + 5], now)
    if was then
      if not seen1 then
        seen1, acts = {}, room(n)
        for z = 1, nacts do acts[z] = 6 * z - 5 end
      end
      seen1[i] = was[1] == 'DONE' and was[2]
    else
      claimed[2 * nacts + 1], claimed[2 * nacts + 2] = fields[i], v[y + 5]
      nacts = nacts + 1
      if acts then acts[nacts] = y end
    end
    y = y + 6
  end
  put(claimed, 2 * nacts)
  -- the replies: one NEW for them all when every R acts, else two items per R
  local function replies()
    if nacts == n then return {'NEW'} end
    local out = room(2 * n)
    for i = 1, n do
      local r = seen1[i]
      if r then
        out[2 * i - 1], out[2 * i] = 'DONE', r
      elseif r == false then
        out[2 * i - 1], out[2 * i] = 'WAIT', ''
      else
        out[2 * i - 1], out[2 * i] = 'NEW', ''
      end
    end
    return out
  end
  if nacts == 0 then return replies() end
  -- the peers in the order of their first R that acts, each with its new fields in the R's order
  local adds, order, npo = {}, {}, 0
  for z = 1, nacts do
    local y = acts and acts[z] or 6 * z - 5
    local j = v[y] + 1
    local add = adds[j]
    if not add then
      add = room(6 + 2 * nr[j])
      local na = 0
      if state[j] == 0 then
        add[1], add[2], add[3], add[4], add[5], add[6] = '\0i', v[y + 1], '\0k', stamp0, '\0d', '0'
        na = 6
      end
      add[0] = na
      adds[j] = add
      npo = npo + 1
      order[npo] = j
    end
    local na = add[0]
    add[na + 1], add[na + 2] = v[y + 2], stamp0
    add[0] = na + 2
  end
  local counts, countOrder, ncounts = {}, {}, 0
  for z = 1, npo do
    local j = order[z]
    local add = adds[j]
    call('HSET', KEYS[3 * j - 1], unpack(add, 1, add[0]))
    if state[j] ~= 1 then call('ZADD', KEYS[3 * j], 'LT', due, names[j]) end
    local key = KEYS[3 * j + 1]
    local cnt = counts[key]
    if not cnt then
      ncounts = ncounts + 1
      countOrder[ncounts] = key
      cnt = 0
    end
    counts[key] = cnt + (add[0] - (state[j] == 0 and 6 or 0)) / 2
  end
  for z = 1, ncounts do
    local key = countOrder[z]
    call('INCRBY', key, int(counts[key]))
  end
  -- each content's record, and the listing (in the claims' table, written already)
  local listing, w = claimed, 0
  for z = 1, nacts do
    local y = acts and acts[z] or 6 * z - 5
    local c = v[y + 2]
    call('HSET', KEYS[base + (y + 5) / 6], '\0m', v[y + 4], names[v[y] + 1], v[y + 3])
    listing[w + 1], listing[w + 2] = '0', c
    w = w + 2
  end
  call('ZADD', KEYS[1], unpack(listing, 1, w))
  return replies()
end

if fresh then
  local done = common()
  if done then return done end
end

-- The general path's own: what it decided per peer and per content, its replies and listing.
local out, nout = nil, 0
local peers, peerOrder, npeers = {}, {}, 0
local contents, contentOrder, ncontents = {}, {}, 0
local counts, countOrder, ncounts = {}, {}, 0
local listing, nlisting = nil, 0
-- The peer record as this call leaves it: owner, k, tombstones, fields (nil until needed), this
-- call's new fields, the stamps of the contents this call registers (read once for all of this
-- call's R of the peer, in one HMGET with the reserved fields).
local function peer_of(i)
  local j = v[6 * i + 1] + 1
  local rec = peers[j]
  if rec then return rec end
  local p = KEYS[3 * j - 1]
  -- one read for the owner, renewal, tombstone count and every content this call registers
  local want, at, nwant = {'\0i', '\0k', '\0d'}, {}, 3
  for x = i, n - 1 do
    if rp(x) == j then
      local c = v[6 * x + 3]
      nwant = nwant + 1
      at[c] = nwant
      want[nwant] = c
    end
  end
  local f = redis.call('HMGET', p, unpack(want, 1, nwant))
  local has = {}
  for c, k in pairs(at) do has[c] = f[k] end
  -- every field in the constructor (one allocation, no rehash as fields are set later)
  -- k and d also as numbers, parsed once per call rather than once per R
  rec = {p = p, name = names[j], owner = f[1], k = f[2], d = f[3], has = has, na = 0,
    kn = f[2] and tonumber(f[2]), dn = f[3] and tonumber(f[3]),
    add = room(2 * nwant),
    lease = KEYS[3 * j], count = KEYS[3 * j + 1], entry = false, fields = false}
  peers[j] = rec
  npeers = npeers + 1
  peerOrder[npeers] = rec
  return rec
end


-- The content as this call leaves it: meta, rotation counter, which peers provide it (read when
-- asked), the providers and queue entries this call adds; and whether `peer` provided it.
local function content_of(i, peer)
  local c = KEYS[base + i + 1]
  local rec = contents[c]
  if not rec then
    local g = NONE
    if not fresh then g = redis.call('HMGET', c, peer, '\0m', '\0s') end
    -- small tables sized by their constructors (room's unpack is a C call per table)
    -- a content with providers has no counter until its second (content.lua): 1 where absent
    local s0 = g[3] and tonumber(g[3]) or (g[2] and 1 or 0)
    rec = {c = c, q = 'ps:q' .. string.sub(c, 5), add = {false, false, false, false, false, false},
      na = 0, queue = {false, false}, nq = 0, m = g[2], old = g[2] and true or false,
      s0 = s0, s = s0, has = {[peer] = g[1]}}
    contents[c] = rec
    ncontents = ncontents + 1
    contentOrder[ncontents] = rec
    return rec, g[1]
  end
  local had = rec.has[peer]
  if had == nil then
    had = not fresh and redis.call('HEXISTS', c, peer) == 1
    rec.has[peer] = had
  end
  return rec, had
end

-- Writes the peer's new fields and, if a first registration moved it, its lease entry.
local function flush(rec)
  if rec.na > 0 then
    redis.call('HSET', rec.p, unpack(rec.add, 1, rec.na))
    if rec.entry then redis.call('ZADD', rec.lease, 'LT', due, rec.name) end
    rec.na, rec.entry = 0, false
  end
end

-- One R, decided against the records as the earlier R left them: a status.
local function one(i)
  local ip, content, meta = v[6 * i + 2], v[6 * i + 3], v[6 * i + 5]
  local rec = peer_of(i)
  local peer = rec.name
  local stamp = rec.has[content]
  local covered = false
  if rec.owner then
    local k = rec.kn
    if rec.owner ~= ip then
      -- other_host reads the record and may reap it: it gets what this call added first, and
      -- later R of this peer read the record again
      flush(rec)
      peers[rp(i)] = nil
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
        if crec.m and crec.m ~= meta then return 'CONFLICT' end
        return 'LIMIT'
      end
      covered = entry_covers(k, now, rec.fields, rec.dn)
    end
  end
  local crec, had = content_of(i, peer)
  listing[nlisting + 1], listing[nlisting + 2] = '0', content
  nlisting = nlisting + 2
  if had then return 'ALREADY_REGISTERED' end
  if crec.m and crec.m ~= meta then return 'CONFLICT' end
  local new = not stamp
  if new then
    stamp = stamp0
    local add, na = rec.add, rec.na
    if not rec.owner then
      rec.owner, rec.k, rec.d, rec.fields, rec.kn, rec.dn = ip, stamp, '0', 0, now, 0
      add[1], add[2], add[3], add[4], add[5], add[6] = '\0i', ip, '\0k', stamp, '\0d', '0'
      na = 6
    end
    add[na + 1], add[na + 2] = content, stamp
    rec.na = na + 2
    rec.has[content] = stamp
    rec.fields = rec.fields + 1
    if not covered then rec.entry = true end
    local cnt = (counts[rec.count] or 0) + 1
    counts[rec.count] = cnt
    if cnt == 1 then
      ncounts = ncounts + 1
      countOrder[ncounts] = rec.count
    end
  end
  local add, na = crec.add, crec.na
  if not crec.m then
    crec.m = meta
    add[na + 1], add[na + 2] = '\0m', meta
    na = na + 2
  end
  local s = crec.s + 1
  crec.s = s
  crec.has[peer] = true
  local value = v[6 * i + 4]
  -- an old registration missing from its content keeps its own stamp
  if stamp ~= stamp0 then value = string.sub(value, 1, #value - #stamp0) .. stamp end
  add[na + 1], add[na + 2] = peer, value
  crec.na = na + 2
  crec.queue[crec.nq + 1], crec.queue[crec.nq + 2] = s, peer
  crec.nq = crec.nq + 2
  return new and 'NEW' or 'OLD'
end

-- peers with an R answered DEAD: the caller reaps and takes that R again; this peer's later R
-- are not looked at (LATER: no claim, nothing written), and the caller takes them after it, in order
local blocked, nblocked, nnew = {}, 0, 0
out, listing = room(2 * n), room(2 * n)
local claimed, nclaimed = room(2 * n), 0
local ca, cb, cc = claims()
-- a refusal's plain claim: 'P', the request hash, the token, its deadline (once.lua)
local until_ = struct.pack('>i8', now + tonumber(px))
for i = 0, n - 1 do
  local dv = v[6 * i + 6]
  local seen = nil
  if nblocked > 0 and blocked[rp(i)] then
    seen = {'LATER'}
  else
    seen = found(ca[i + 1] or cb[i + 1] or cc[i + 1], dv, now)
    if not seen then
      claimed[nclaimed + 1], claimed[nclaimed + 2] = fields[i + 1], dv
      nclaimed = nclaimed + 2
    end
  end
  if seen then
    out[nout + 1], out[nout + 2] = seen[1], seen[2] or ''
    nout = nout + 2
  else
    local status = one(i)
    if status ~= 'NEW' and status ~= 'OLD' then
      -- a refusal: the claim turned back into a plain one ('P', the request hash, the token)
      claimed[nclaimed] = 'P' .. string.sub(dv, 2, 33) .. token(i) .. until_
      if status == 'DEAD' then blocked[rp(i)], nblocked = true, nblocked + 1 end
    end
    if status == 'NEW' then nnew = nnew + 1 end
    out[nout + 1], out[nout + 2] = status, ''
    nout = nout + 2
  end
end

put(claimed, nclaimed)
for x = 1, npeers do flush(peerOrder[x]) end
for x = 1, ncounts do
  local key = countOrder[x]
  redis.call('INCRBY', key, int(counts[key]))
end
for x = 1, ncontents do
  local crec = contentOrder[x]
  local na = crec.na
  if na > 0 then
    local add, queue = crec.add, crec.queue
    -- the counter from the second provider on (content.lua): a content new in this call with one
    -- provider has none
    if crec.s ~= 1 then
      add[na + 1], add[na + 2] = '\0s', int(crec.s)
      na = na + 2
    end
    for y = 1, crec.nq, 2 do queue[y] = int(queue[y]) end
    redis.call('HSET', crec.c, unpack(add, 1, na))
    -- a content new in this call has no provider before it (no call to count them)
    local before = crec.old and providers(crec.c) - crec.nq / 2 or 0
    enqueue(crec.c, crec.q, queue, crec.nq, before, crec.s0)
  end
end
if nlisting > 0 then redis.call('ZADD', KEYS[1], unpack(listing, 1, nlisting)) end
if nnew == n then return {'NEW'} end
return out
