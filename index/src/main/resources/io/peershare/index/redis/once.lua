-- Acts once across nodes, prepended to the first step of R, T, Q and K: when the caller passes a
-- reply key after the step's own keys (tagged into the same slot), the step first looks there.
-- The first node to see a mutation (source address, port, request id) claims it and acts; the
-- same datagram seen again, on any node, gets the reply kept for it, or nothing while the first
-- node is still at it (the client sends again). A different datagram reusing the id is a new
-- request. ARGV then ends with the request hash (32 bytes), the claim's token (its node's and
-- its own: see release.lua) and how long a claim holds (ms).
-- The value: 'P' (claimed) or 'D' (done), the request hash, then the token (when 'P') or the
-- reply bytes (when 'D').
-- once(n), n the step's own key count: nil (act) | {'DONE', reply} | {'WAIT'}.
local function once(n)
  local key = KEYS[n + 1]
  if not key then return nil end
  local hash = ARGV[#ARGV - 2]
  local claim = 'P' .. hash .. ARGV[#ARGV - 1]
  -- one call for the common case, a datagram nobody has claimed (NX and GET together: 7.0)
  local v = redis.call('SET', key, claim, 'NX', 'PX', ARGV[#ARGV], 'GET')
  if not v then return nil end
  if string.sub(v, 2, 33) == hash then
    if string.sub(v, 1, 1) == 'D' then return {'DONE', string.sub(v, 34)} end
    return {'WAIT'}
  end
  redis.call('SET', key, claim, 'PX', ARGV[#ARGV])
  return nil
end
