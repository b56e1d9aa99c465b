-- Shared by every peer-slot script (prepended to each). A peer record is one hash:
--   "\0i" owner IP (raw bytes), "\0k" last renewal (ms), "\0d" how many fields are tombstones,
--   CONTENT -> registration stamp (ms, decimal), or "d" .. stamp once the registration is dead
--   and being removed from its content (a tombstone: it never comes back to life).
-- Its lease entry (bucket zset, member = peer name) holds a time at or before the earliest
-- deadline of any of its registrations, so a sweep that pops due entries never misses one.
local RESERVED = 3

local function is_tomb(v) return string.byte(v, 1) == 100 end -- 'd'

local function deadline(v, k, lease)
  if is_tomb(v) then return 0 end
  return math.max(tonumber(v), k) + lease
end

-- Turns the fields dead at `now` into tombstones; returns the tombstones (content, stamp pairs
-- flattened) and the number of live fields left, and the earliest live deadline.
local function reap(p, now, lease)
  local k = tonumber(redis.call('HGET', p, '\0k'))
  local all = redis.call('HGETALL', p)
  local tombs, live, first, marked = {}, 0, nil, 0
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    if string.byte(f, 1) ~= 0 then
      if is_tomb(v) then
        tombs[#tombs + 1] = f
        tombs[#tombs + 1] = string.sub(v, 2)
      else
        local d = deadline(v, k, lease)
        if d <= now then
          redis.call('HSET', p, f, 'd' .. v)
          marked = marked + 1
          tombs[#tombs + 1] = f
          tombs[#tombs + 1] = v
        else
          live = live + 1
          if first == nil or d < first then first = d end
        end
      end
    end
  end
  if marked > 0 then redis.call('HINCRBY', p, '\0d', marked) end
  return tombs, live, first
end

-- The answer to a host other than the name's owner (f: the HMGET of "\0i", "\0k", "\0d"): the
-- name is taken while it has a live registration; tombstones (a Q or an expiry under way) do not
-- hold it, and dead ones are reaped by the caller before it asks again.
local function other_host(p, f, now, lease)
  local live
  if tonumber(f[2]) + lease > now then
    live = redis.call('HLEN', p) - RESERVED - tonumber(f[3])
  else
    local _, l = reap(p, now, lease)
    live = l
  end
  if live > 0 then return {'NAME_TAKEN'} end
  return {'DEAD'}
end

-- Whether a peer's lease entry already stands at or before now + lease, the deadline of a
-- registration made now (k: its renewal, fields: its registrations and tombstones, tombs: the
-- tombstones). A record with a field that is not a tombstone has its entry at or before that
-- field's deadline, max(stamp, k) + lease, which is at or before now + lease (stamps and k are at
-- or before now, up to the clock difference of two nodes): then the entry needs no move.
local function entry_covers(k, now, fields, tombs)
  return k <= now and fields > tombs
end
