-- Token buckets, all-or-nothing: a request is admitted only when every bucket holds a token, and
-- then takes one from each. One call decides for all of a client's limits (one round trip).
-- A caller may want several tokens at once (a replica leasing a batch): it gets as many as the
-- emptiest bucket holds whole, up to what it wants, taken from every bucket; or none, and is denied.
-- Time comes from the Redis server so every gateway replica shares one clock.
-- KEYS[i]  bucket hash of limit i; every key carries the same {hash tag} (Redis Cluster slot).
-- ARGV[1]  how many tokens the caller wants, at least 1.
-- ARGV     then per limit: capacity (burst), tokens per window, window in microseconds.
-- Returns  {granted, retryAfterMicros, remaining_1, resetMicros_1, remaining_2, ...}; retryAfter is
--          set only when nothing was granted.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local want = tonumber(ARGV[1])
local n = #KEYS
local tokens = {}
local granted = want
local retry = 0
for i = 1, n do
  local capacity = tonumber(ARGV[(i - 1) * 3 + 2])
  local rate = tonumber(ARGV[(i - 1) * 3 + 3])
  local window = tonumber(ARGV[(i - 1) * 3 + 4])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local available = tonumber(state[1])
  local ts = tonumber(state[2])
  if available == nil or ts == nil then
    available = capacity
    ts = now
  end
  available = math.min(capacity, available + math.max(0, now - ts) * rate / window)
  tokens[i] = available
  granted = math.min(granted, math.max(0, math.floor(available)))
  if available < 1 then
    local wait = math.ceil((1 - available) * window / rate)
    if wait > retry then
      retry = wait
    end
  end
end
local result = {granted, retry}
for i = 1, n do
  local capacity = tonumber(ARGV[(i - 1) * 3 + 2])
  local rate = tonumber(ARGV[(i - 1) * 3 + 3])
  local window = tonumber(ARGV[(i - 1) * 3 + 4])
  tokens[i] = tokens[i] - granted
  local untilFull = math.ceil((capacity - tokens[i]) * window / rate)
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.6f', tokens[i]), 'ts', string.format('%d', now))
  -- Expire once the bucket would be full again: a missing bucket reads as full.
  redis.call('PEXPIRE', KEYS[i], math.floor(untilFull / 1000) + 1000)
  result[#result + 1] = math.floor(tokens[i])
  result[#result + 1] = untilFull
end
return result
