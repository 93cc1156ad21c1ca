-- Invalidates every entry of a resource at once: its entries are keyed by the generation, so a new
-- generation makes them unreachable (they expire by their own TTL). Replicas holding entries in
-- memory (the near cache) hear of it on the invalidation channel; the reply is how many
-- subscribers were handed the notice, so the writer knows how many confirmations to wait for.
-- KEYS[1] generation key, ARGV[1] generation lifetime ms, ARGV[2] channel, ARGV[3] the notice
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('PUBLISH', ARGV[2], ARGV[3])
