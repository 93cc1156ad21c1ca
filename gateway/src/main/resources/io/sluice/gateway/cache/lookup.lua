-- One cache lookup in one round trip: the resource's current generation, the value under the
-- request key of that generation (an entry, or a partitioning marker), and, when the caller
-- already knows the partitioning, the variant's entry.
-- KEYS[1] generation key
-- ARGV[1] entry key prefix ("sluice:cache:{tag}:e:"), ARGV[2] request digest,
-- ARGV[3] variant suffix ("" when none is known)
-- Entry keys share KEYS[1]'s hash tag, so on Redis Cluster they live in its slot.
local generation = redis.call('GET', KEYS[1]) or '0'
local base = ARGV[1] .. generation .. ':' .. ARGV[2]
local primary = redis.call('GET', base) or ''
local variant = ''
if ARGV[3] ~= '' then
  variant = redis.call('GET', base .. ARGV[3]) or ''
end
return {generation, primary, variant}
