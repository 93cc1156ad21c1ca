-- Stores an entry (and the partitioning marker under the request key when the response has
-- variants), keeps the resource's generation counter alive for longer than any entry of it, and
-- hands back the fetch lease if this caller still holds it.
-- KEYS[1] generation key, KEYS[2] entry key, KEYS[3] marker key, KEYS[4] lease key
-- ARGV[1] entry, ARGV[2] entry lifetime ms, ARGV[3] marker ("" when none), ARGV[4] generation
-- lifetime ms, ARGV[5] lease owner
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[2])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
if redis.call('GET', KEYS[4]) == ARGV[5] then
  redis.call('DEL', KEYS[4])
end
return 1
