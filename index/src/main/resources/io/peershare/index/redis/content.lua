-- Shared by the content-slot scripts that add or remove providers (prepended to each). A content
-- is one hash: "\0m" meta (size and digest), "\0s" rotation counter, PEER -> provider value; and,
-- only while it has two providers or more, its rotation queue: a sorted set scoring each peer
-- with the counter value of its last turn (the lowest is the front). A content with one provider
-- has no queue (its rotation is that one provider): one key fewer for most contents, and nothing
-- to create, look up or delete for them. So: no hash, no provider; a hash and no queue, one (its
-- only field that is not reserved); a queue, exactly the hash's providers.
-- The counter is written with the content's second provider: a content given its first has none
-- (read as 1 where the meta is and the counter is not), two fields instead of three, which is
-- about 1,500 of the ~62,000 instructions an R of a new content costs Redis (run AD in
-- docs/benchmarks.md). Once written it stays (its value orders the queue if a second provider
-- comes again). So the hash holds the meta and one provider, or the meta, the counter and any
-- number of providers: never two providers without the counter.
local CONTENT_RESERVED = 2

-- The providers of content hash c (0 when it has no hash).
local function providers(c)
  local n = redis.call('HLEN', c)
  if n <= 1 then return 0 end -- no hash, or the meta alone (its one provider just removed)
  if n == 2 then
    -- the meta and one provider, or the meta and the counter (the last provider just removed:
    -- only inside a script, which then deletes the hash)
    return 1 - redis.call('HEXISTS', c, '\0s')
  end
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
