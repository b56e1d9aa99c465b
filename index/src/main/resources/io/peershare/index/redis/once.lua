-- Acts once across nodes, prepended to the first step of R, T, Q and K: when the caller passes a
-- reply key after the step's own keys (tagged into the same slot), the step first looks there.
-- The first node to see a mutation (source address, port, request id) claims it and acts; the
-- same datagram seen again, on any node, gets the reply kept for it, or nothing while the first
-- node is still at it (the client sends again). A different datagram reusing the id is a new
-- request. ARGV then ends with the request hash (32 bytes), the claim's token (its node's and
-- its own: see release.lua) and how long a claim holds (ms).
-- The value: 'P' (claimed) or 'D' (done), the request hash, then the token (when 'P') or the
-- reply bytes (when 'D').
-- look(key, value, px): nil (act; the key now holds value for px ms) | {'DONE', reply} |
-- {'WAIT'}. value is a claim's or a done reply's ('P' or 'D', the request hash, ...): the hash
-- it carries is the request's, so a step of many requests (register_many.lua) gives each its own.
local function look(key, value, px)
  -- one call for the common case, a datagram nobody has claimed (NX and GET together: 7.0)
  local v = redis.call('SET', key, value, 'NX', 'PX', px, 'GET')
  if not v then return nil end
  if string.sub(v, 2, 33) == string.sub(value, 2, 33) then
    if string.sub(v, 1, 1) == 'D' then return {'DONE', string.sub(v, 34)} end
    return {'WAIT'}
  end
  redis.call('SET', key, value, 'PX', px)
  return nil
end

-- The claim's value: 'P', the request hash, the token.
local function claim_value()
  return 'P' .. ARGV[#ARGV - 2] .. ARGV[#ARGV - 1]
end

-- once(n), n the step's own key count: nil (act) | {'DONE', reply} | {'WAIT'}.
local function once(n)
  local key = KEYS[n + 1]
  if not key then return nil end
  return look(key, claim_value(), ARGV[#ARGV])
end

-- once_done(n, reply, keep): once(n) for a step that knows the reply it gets when it acts (R in
-- one step: its A). The claim is written as that reply, done and kept `keep` ms, by the same
-- call that looks, so the step that acts stores its reply with no call of its own; the script is
-- atomic, so nobody sees the value before the step has acted. A step that then does not act
-- (a refusal, whose reply the node stores, or a DEAD look) turns it into a plain claim with
-- pending(n) before it returns.
local function once_done(n, reply, keep)
  local key = KEYS[n + 1]
  if not key then return nil end
  return look(key, 'D' .. ARGV[#ARGV - 2] .. reply, keep)
end

local function pending(n)
  local key = KEYS[n + 1]
  if key then redis.call('SET', key, claim_value(), 'PX', ARGV[#ARGV]) end
end
