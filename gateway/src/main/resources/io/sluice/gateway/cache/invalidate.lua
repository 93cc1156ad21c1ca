-- Invalidates every entry of a resource at once: its entries are keyed by the generation, so a new
-- generation makes them unreachable (they expire by their own TTL).
-- KEYS[1] generation key, ARGV[1] generation lifetime ms
local generation = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return generation
