-- Acts once across nodes: the first node to see a mutation (source address, port, request id)
-- claims it; the same datagram seen again, on any node, gets the reply kept for it, or nothing
-- while the first node is still at it (the client sends again). A different datagram reusing the
-- id is a new request. KEYS: the reply key. ARGV: request hash (32 bytes), pending ms.
-- The value: 'P' or 'D', the request hash, then (when 'D') the reply bytes.
-- Returns {'GO'} | {'WAIT'} | {'DONE', reply}.
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 2, 33) == ARGV[1] then
  if string.sub(v, 1, 1) == 'D' then return {'DONE', string.sub(v, 34)} end
  return {'WAIT'}
end
redis.call('SET', KEYS[1], 'P' .. ARGV[1], 'PX', ARGV[2])
return {'GO'}
