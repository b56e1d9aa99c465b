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

-- R's claims on a standalone store: not a key each but fields of a few hashes, one per time
-- bucket of half a reply's keep (KEYS named by the caller, newest first: the bucket `now` falls
-- in and the two before it, every bucket a claim made within a keep can be in). A field is the
-- request's source (address, port, request id), its value as a key's above, but for a claim
-- ('P') its deadline (i8, ms) at the end: a field has no expiry of its own, so a plain claim past
-- its deadline counts as absent, as a key would have expired. A bucket goes as a whole, never
-- before a keep and a bucket's width after its end, so every claim lives a keep at least: the
-- nodes' lease sweeps UNLINK it then (RedisRegistry), and its expiry (set once, by its first
-- write: PEXPIRE NX) comes a bucket's width later, for a store no node sweeps. One HMGET per bucket for all of a call's R
-- and one HSET for all their writes, instead of one SET NX PX GET each (a new key and an expiry
-- entry per R): run X in docs/benchmarks.md.
-- found(v, value, now): what the value v found for a request (false: none) means for a request
-- whose claim would be `value` ('P' or 'D', the request hash, ...): nil (act) | {'DONE', reply} |
-- {'WAIT'}.
local function found(v, value, now)
  if not v or string.sub(v, 2, 33) ~= string.sub(value, 2, 33) then return nil end
  if string.byte(v, 1) == 68 then return {'DONE', string.sub(v, 34)} end -- 'D'
  if struct.unpack('>i8', v, #v - 7) > now then return {'WAIT'} end
  return nil
end

-- claim_in(first, field, value, now, ttl): an R's claim in the time buckets KEYS[first..], newest
-- first: the first value found for the field decides (found); when it says act, the field gets
-- `value` ('P' with its deadline, or 'D' and the reply) in the newest bucket, whose expiry `ttl`
-- (ms) sets when it has none. nil (act) | {'DONE', reply} | {'WAIT'}.
local function claim_in(first, field, value, now, ttl)
  for k = first, #KEYS do
    local v = redis.call('HGET', KEYS[k], field)
    if v then
      local seen = found(v, value, now)
      if seen then return seen end
      break
    end
  end
  redis.call('HSET', KEYS[first], field, value)
  redis.call('PEXPIRE', KEYS[first], ttl, 'NX')
  return nil
end

-- once(n), n the step's own key count: nil (act) | {'DONE', reply} | {'WAIT'}. With the time
-- buckets as keys after the step's own (claim.lua for an R on a standalone store), ARGV ends with
-- the request hash, the token, how long a claim holds (ms), the request's field, now (ms) and the
-- newest bucket's time to live (ms), all decimal but the hash, token and field.
local function once(n)
  local key = KEYS[n + 1]
  if not key then return nil end
  if not KEYS[n + 2] then return look(key, claim_value(), ARGV[#ARGV]) end
  local a = #ARGV
  local now = tonumber(ARGV[a - 1])
  local value = 'P' .. ARGV[a - 5] .. ARGV[a - 4] .. struct.pack('>i8', now + tonumber(ARGV[a - 3]))
  return claim_in(n + 1, ARGV[a - 2], value, now, ARGV[a])
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
