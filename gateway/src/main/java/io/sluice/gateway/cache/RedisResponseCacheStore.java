package io.sluice.gateway.cache;

import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache's Redis side, through the reactive Lettuce API only: a lookup is one script call, a
 * store one, an invalidation one per resource. Keys are {@code sluice:cache:{route:digest}:...};
 * every key carries a TTL.
 */
class RedisResponseCacheStore {

  @SuppressWarnings("rawtypes")
  private static final RedisScript<List> LOOKUP = RedisScript.of(load("lookup.lua"), List.class);

  private static final RedisScript<Long> STORE = RedisScript.of(load("store.lua"), Long.class);

  private static final RedisScript<Long> RELEASE = RedisScript.of(load("release.lua"), Long.class);

  private static final RedisScript<Long> INVALIDATE =
      RedisScript.of(load("invalidate.lua"), Long.class);

  private static final byte[] EMPTY = new byte[0];

  private final ReactiveRedisTemplate<String, byte[]> redis;

  RedisResponseCacheStore(ReactiveRedisTemplate<String, byte[]> redis) {
    this.redis = redis;
  }

  // Read once at class load: resource reads are blocking and must not happen on an event loop.
  private static String load(String name) {
    try {
      return new ClassPathResource("io/sluice/gateway/cache/" + name)
          .getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cache script " + name + " missing from the classpath", e);
    }
  }

  /**
   * What Redis holds for a request.
   *
   * @param generation the resource's current generation
   * @param primary the value under the request key: a {@link CachedResponse}, a {@link
   *     Partitioning} marker, or {@code null}
   * @param variant the entry of the variant asked for, or {@code null}
   */
  record Lookup(String generation, Object primary, CachedResponse variant) {}

  Mono<Lookup> lookup(RequestKey key, String variant) {
    return redis
        .execute(
            LOOKUP,
            List.of(key.generationKey()),
            List.of(bytes(key.entryPrefix()), bytes(key.request()), bytes(variant)))
        .next()
        .map(
            reply -> {
              Object variantValue = CacheEntryCodec.decode((byte[]) reply.get(2));
              return new Lookup(
                  new String((byte[]) reply.get(0), StandardCharsets.UTF_8),
                  CacheEntryCodec.decode((byte[]) reply.get(1)),
                  variantValue instanceof CachedResponse entry ? entry : null);
            });
  }

  /** Takes the right to fetch a missing entry; {@code false} when another caller holds it. */
  Mono<Boolean> acquireLease(
      RequestKey key, String generation, String variant, String owner, Duration ttl) {
    return redis
        .opsForValue()
        .setIfAbsent(key.leaseKey(generation, variant), bytes(owner), ttl)
        .defaultIfEmpty(Boolean.FALSE);
  }

  Mono<Void> releaseLease(RequestKey key, String generation, String variant, String owner) {
    return redis
        .execute(RELEASE, List.of(key.leaseKey(generation, variant)), List.of(bytes(owner)))
        .then();
  }

  /**
   * Stores {@code entry} for the variant, and the marker naming the partitioning under the request
   * key when there are variants; gives back the lease taken for {@code leaseVariant} if {@code
   * leaseOwner} still holds it.
   */
  Mono<Void> store(
      RequestKey key,
      String generation,
      String variant,
      Partitioning partitioning,
      byte[] entry,
      Duration lifetime,
      Duration generationTtl,
      String leaseVariant,
      String leaseOwner) {
    String entryKey = key.entryKey(generation, variant);
    byte[] marker = partitioning.isNone() ? EMPTY : CacheEntryCodec.encode(partitioning);
    return redis
        .execute(
            STORE,
            List.of(
                key.generationKey(),
                entryKey,
                key.entryKey(generation, ""),
                key.leaseKey(generation, leaseVariant)),
            List.of(
                entry,
                bytes(Long.toString(lifetime.toMillis())),
                marker,
                bytes(Long.toString(generationTtl.toMillis())),
                bytes(leaseOwner == null ? "" : leaseOwner)))
        .then();
  }

  /** Moves every tag to a new generation; their old entries become unreachable. */
  Mono<Void> invalidate(Iterable<String> tags, Duration generationTtl) {
    byte[] ttl = bytes(Long.toString(generationTtl.toMillis()));
    return Flux.fromIterable(tags)
        .flatMap(
            tag ->
                redis.execute(
                    INVALIDATE, List.of(new RequestKey(tag, "").generationKey()), List.of(ttl)))
        .then();
  }

  /** Connects and loads the scripts ahead of traffic, outside any request's budget. */
  Mono<Void> warmUp() {
    return Flux.just(LOOKUP, STORE, RELEASE, INVALIDATE)
        .flatMap(
            script ->
                redis.execute(
                    connection ->
                        connection
                            .scriptingCommands()
                            .scriptLoad(
                                ByteBuffer.wrap(
                                    script.getScriptAsString().getBytes(StandardCharsets.UTF_8)))))
        .then();
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
