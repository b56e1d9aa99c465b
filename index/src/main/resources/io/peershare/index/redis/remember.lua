-- A node keeps its reply to an R it acted on or refused, on a standalone store (the reply of a
-- step that acted is mostly stored by the step itself): the request's field in the time bucket
-- its claim was made in, over that claim (see once.lua). The bucket's expiry is set by its
-- first write only, so that every reply in it is kept at least a keep.
-- KEYS: the bucket. ARGV: the field, the value ('D', request hash, reply), the bucket's time to
-- live from now (ms, decimal).
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3], 'NX')
return 1
