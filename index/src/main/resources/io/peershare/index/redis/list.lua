-- O, first step, on the listing (one sorted set of content names, all scores 0, so ZRANGE
-- BYLEX gives memcmp order: unsigned bytes, as the spec asks). Walks names after ARGV[1],
-- keeps those containing ARGV[2] (already lower-cased; string.lower folds ASCII only under
-- Redis's C locale), until ARGV[3] bytes of entries or ARGV[4] entries are used, or ARGV[5]
-- names were looked at (so one call never blocks Redis long; the caller goes on from the cursor).
-- Returns {status, cursor, names...}: status 0 = no names after these, 1 = the next match did not
-- fit (more), 2 = scan budget spent (go on after cursor).
local after, filter = ARGV[1], ARGV[2]
local room, max, budget = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local start = after == '' and '-' or '(' .. after
local out, scanned, cursor = {}, 0, after
while true do
  local chunk = redis.call('ZRANGE', KEYS[1], start, '+', 'BYLEX', 'LIMIT', 0, 128)
  if #chunk == 0 then return {0, cursor, unpack(out)} end
  for i = 1, #chunk do
    local name = chunk[i]
    if filter == '' or string.find(string.lower(name), filter, 1, true) then
      local need = 11 + #name
      if need > room or #out == max then return {1, cursor, unpack(out)} end
      out[#out + 1] = name
      room = room - need
    end
    cursor = name
    scanned = scanned + 1
    if scanned >= budget then return {2, cursor, unpack(out)} end
  end
  start = '(' .. chunk[#chunk]
end
