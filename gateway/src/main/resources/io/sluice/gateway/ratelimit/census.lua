-- One gateway replica says it is alive and learns how many are: members of a sorted set scored by
-- their last announcement (Redis's clock, so replicas need not agree on time).
-- KEYS[1] census key; ARGV[1] this replica's id; ARGV[2] window in ms (a replica silent for
-- longer no longer counts); ARGV[3] "1" to announce, "0" to leave
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[2])
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], ms, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
redis.call('PEXPIRE', KEYS[1], window * 2)
return redis.call('ZCARD', KEYS[1])
