-- A node gives up its claim on a mutation (it failed before it had a reply: another node may
-- try). Only its own claim: the claim may have run out meanwhile and another node claimed the
-- same datagram, and deleting that one would let a third node act on it a second time.
-- KEYS: the reply key, or the time bucket the claim was made in (an R on a standalone store:
-- see once.lua). ARGV: the claim value this node wrote ('P', request hash, token), and with a
-- bucket the request's field in it (the claim there ends with its deadline, 8 bytes).
-- Returns 1 when the claim went, else 0.
local field = ARGV[2]
if field then
  local v = redis.call('HGET', KEYS[1], field)
  if v and string.sub(v, 1, #v - 8) == ARGV[1] then return redis.call('HDEL', KEYS[1], field) end
  return 0
end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
