-- A node gives up its claim on a mutation (it failed before it had a reply: another node may
-- try). Only its own claim: the claim may have run out meanwhile and another node claimed the
-- same datagram, and deleting that one would let a third node act on it a second time.
-- KEYS: the reply key. ARGV: the claim value this node wrote ('P', request hash, token).
-- Returns 1 when the claim went, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
