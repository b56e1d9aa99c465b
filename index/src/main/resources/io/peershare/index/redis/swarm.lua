-- A BitTorrent swarm on its own slot (tagged by info hash). The hash holds one field per peer
-- (the compact endpoint, 6 or 18 bytes -> '1' seeder | '0' leecher) and the counts '#s', '#l',
-- '#c' (completed); the sorted set holds each peer's last announce. The swarm's keys go when
-- its last peer goes.
-- KEYS: swarm hash, announce times. ARGV: ttl, now, then for an announce: peer, seeder,
-- event (NONE|COMPLETED|STARTED|STOPPED), numWant, start, maxScan, full ('' | 'peers' | 'swarms').
-- Without the announce arguments it only drops the peers silent for the ttl (a sweep).
-- Returns {seeders, leechers, peers (concatenated), dSwarms, removed (concatenated, for the
-- per-address counts), fresh (1 when the peer is new), newest announce or 0, status,
-- change in seeders, change in leechers}.
local h, t = KEYS[1], KEYS[2]
local ttl, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local existed = redis.call('EXISTS', h) == 1
local ds, dl = 0, 0
local removed = {}
local function leave(m)
  local v = redis.call('HGET', h, m)
  if v == '1' then ds = ds - 1 elseif v == '0' then dl = dl - 1 end
  if v then
    redis.call('HDEL', h, m)
    removed[#removed + 1] = string.char(#m) .. m
  end
  redis.call('ZREM', t, m)
end
for _, d in ipairs(redis.call('ZRANGEBYSCORE', t, '-inf', now - ttl, 'LIMIT', 0, 1000)) do
  leave(d)
end
local fresh, out, status = 0, {}, 'OK'
local me, seeder, event = ARGV[3], ARGV[4], ARGV[5]
if me then
  local old = redis.call('HGET', h, me)
  if event == 'STOPPED' then
    if old then leave(me) end
  elseif not old and ARGV[9] ~= '' and (ARGV[9] == 'peers' or not existed) then
    status = ARGV[9] -- full: a known peer is still served, a new one is not
  else
    if not old then fresh = 1 end
    if event == 'COMPLETED' and seeder == '1' and old ~= '1' then
      redis.call('HINCRBY', h, '#c', 1)
    end
    if old ~= seeder then
      if old == '1' then ds = ds - 1 elseif old == '0' then dl = dl - 1 end
      if seeder == '1' then ds = ds + 1 else dl = dl + 1 end
      redis.call('HSET', h, me, seeder)
    end
    redis.call('ZADD', t, now, me)
  end
end
local s = tonumber(redis.call('HGET', h, '#s') or '0') + ds
local l = tonumber(redis.call('HGET', h, '#l') or '0') + dl
local dswarms = 0
if s + l <= 0 then
  redis.call('DEL', h, t)
  if existed then dswarms = -1 end
  s, l = 0, 0
else
  redis.call('HSET', h, '#s', s, '#l', l)
  if not existed then dswarms = 1 end
end
if me and status == 'OK' and event ~= 'STOPPED' then
  -- up to numWant others of the peer's family (a seeder gets leechers only), from a random start
  local want, n = tonumber(ARGV[6]), redis.call('ZCARD', t)
  local maxScan = math.min(n, tonumber(ARGV[8]))
  local i, scanned = tonumber(ARGV[7]) % math.max(n, 1), 0
  while #out < want and scanned < maxScan do
    local chunk = redis.call('ZRANGE', t, i, i + 127)
    if #chunk == 0 then i = 0 else
      for _, m in ipairs(chunk) do
        scanned = scanned + 1
        if m ~= me and #m == #me and (seeder == '0' or redis.call('HGET', h, m) == '0') then
          out[#out + 1] = m
        end
        if #out >= want or scanned >= maxScan then break end
      end
      i = i + #chunk
      if i >= n then i = 0 end
    end
  end
end
local newest = 0
local last = redis.call('ZRANGE', t, -1, -1, 'WITHSCORES')
if last[2] then newest = tonumber(last[2]) end
return {s, l, table.concat(out), dswarms, table.concat(removed), fresh, newest, status, ds, dl}
