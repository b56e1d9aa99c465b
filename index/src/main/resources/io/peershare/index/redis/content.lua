-- Shared by the content-slot scripts that add or remove providers (prepended to each). A content
-- is one hash: "\0m" meta (size and digest), "\0s" rotation counter, PEER -> provider value; and,
-- only while it has two providers or more, its rotation queue: a sorted set scoring each peer
-- with the counter value of its last turn (the lowest is the front). A content with one provider
-- has no queue (its rotation is that one provider): one key fewer for most contents, and nothing
-- to create, look up or delete for them. So: no hash, no provider; a hash and no queue, one (its
-- only field that is not reserved); a queue, exactly the hash's providers.
local CONTENT_RESERVED = 2

-- The providers of content hash c (0 when it has no hash).
local function providers(c)
  local n = redis.call('HLEN', c)
  if n == 0 then return 0 end
  return n - CONTENT_RESERVED
end

-- After `peer`'s field left c: the queue follows (the hash goes with the last provider, the queue
-- when one is left); returns the providers left. The last provider takes the queue with the hash
-- (one DEL of both): a store written by the layout before, where a content with one provider had a
-- queue of one, is left with no stale queue.
local function unqueue(c, q, peer)
  local left = providers(c)
  if left == 0 then
    redis.call('DEL', c, q)
  elseif left == 1 then
    redis.call('DEL', q)
  else
    redis.call('ZREM', q, peer)
  end
  return left
end

-- The turns `z` (score, peer pairs, as text, `nz` values) of providers just added to c, whose
-- fields are written, `before` the providers it had before them and `s0` its counter then: with
-- two providers or more the queue holds them all, the one that was alone first (at turn s0).
local function enqueue(c, q, z, nz, before, s0)
  if before == 1 then
    local all = redis.call('HGETALL', c)
    local placed = {}
    for i = 2, nz, 2 do placed[z[i]] = true end
    for i = 1, #all, 2 do
      local f = all[i]
      if string.byte(f, 1) ~= 0 and not placed[f] then
        redis.call('ZADD', q, string.format('%d', s0), f, unpack(z, 1, nz))
        return
      end
    end
  end
  if before + nz / 2 >= 2 then redis.call('ZADD', q, unpack(z, 1, nz)) end
end
