-- Token buckets, all-or-nothing: a request is admitted only when every bucket holds a token, and
-- then takes one from each. One call decides for all of a client's limits (one round trip).
-- Time comes from the Redis server so every gateway replica shares one clock.
-- KEYS[i]  bucket hash of limit i; every key carries the same {hash tag} (Redis Cluster slot).
-- ARGV     per limit: capacity (burst), tokens per window, window in microseconds.
-- Returns  {allowed, retryAfterMicros, remaining_1, resetMicros_1, remaining_2, ...}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS
local tokens = {}
local allowed = 1
local retry = 0
for i = 1, n do
  local capacity = tonumber(ARGV[(i - 1) * 3 + 1])
  local rate = tonumber(ARGV[(i - 1) * 3 + 2])
  local window = tonumber(ARGV[(i - 1) * 3 + 3])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local available = tonumber(state[1])
  local ts = tonumber(state[2])
  if available == nil or ts == nil then
    available = capacity
    ts = now
  end
  available = math.min(capacity, available + math.max(0, now - ts) * rate / window)
  tokens[i] = available
  if available < 1 then
    allowed = 0
    local wait = math.ceil((1 - available) * window / rate)
    if wait > retry then
      retry = wait
    end
  end
end
local result = {allowed, retry}
for i = 1, n do
  local capacity = tonumber(ARGV[(i - 1) * 3 + 1])
  local rate = tonumber(ARGV[(i - 1) * 3 + 2])
  local window = tonumber(ARGV[(i - 1) * 3 + 3])
  if allowed == 1 then
    tokens[i] = tokens[i] - 1
  end
  local untilFull = math.ceil((capacity - tokens[i]) * window / rate)
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.6f', tokens[i]), 'ts', string.format('%d', now))
  -- Expire once the bucket would be full again: a missing bucket reads as full.
  redis.call('PEXPIRE', KEYS[i], math.floor(untilFull / 1000) + 1000)
  result[#result + 1] = math.floor(tokens[i])
  result[#result + 1] = untilFull
end
return result
