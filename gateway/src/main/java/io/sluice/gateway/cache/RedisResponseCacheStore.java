package io.sluice.gateway.cache;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import io.sluice.gateway.system.LuaScript;
import io.sluice.gateway.system.RequestPathRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The cache's Redis side, through the reactive Lettuce API only: a lookup is one script call, a
 * store one, an invalidation one per resource. Keys are {@code sluice:cache:{route:digest}:...};
 * every key carries a TTL.
 */
class RedisResponseCacheStore {

  private static final LuaScript LOOKUP = LuaScript.load("io/sluice/gateway/cache/lookup.lua");
  private static final LuaScript STORE = LuaScript.load("io/sluice/gateway/cache/store.lua");
  private static final LuaScript RELEASE = LuaScript.load("io/sluice/gateway/cache/release.lua");
  private static final LuaScript INVALIDATE =
      LuaScript.load("io/sluice/gateway/cache/invalidate.lua");

  private static final byte[] EMPTY = new byte[0];

  /** The pub/sub channel on which invalidated resource tags are published. */
  static final String INVALIDATIONS = "sluice:cache:invalidations";

  private final RequestPathRedis redis;

  RedisResponseCacheStore(RequestPathRedis redis) {
    this.redis = redis;
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
        .<List<?>>run(
            LOOKUP,
            ScriptOutputType.MULTI,
            new String[] {key.generationKey()},
            bytes(key.entryPrefix()),
            bytes(key.request()),
            bytes(variant))
        .next()
        .map(
            values -> {
              Object variantValue = CacheEntryCodec.decode((byte[]) values.get(2));
              return new Lookup(
                  new String((byte[]) values.get(0), StandardCharsets.UTF_8),
                  CacheEntryCodec.decode((byte[]) values.get(1)),
                  variantValue instanceof CachedResponse entry ? entry : null);
            });
  }

  /** Takes the right to fetch a missing entry; {@code false} when another caller holds it. */
  Mono<Boolean> acquireLease(
      RequestKey key, String generation, String variant, String owner, Duration ttl) {
    return redis
        .commands()
        .flatMap(
            c ->
                c.set(
                    key.leaseKey(generation, variant),
                    bytes(owner),
                    SetArgs.Builder.nx().px(ttl.toMillis())))
        .map("OK"::equals)
        .defaultIfEmpty(Boolean.FALSE);
  }

  Mono<Void> releaseLease(RequestKey key, String generation, String variant, String owner) {
    return redis
        .run(
            RELEASE,
            ScriptOutputType.INTEGER,
            new String[] {key.leaseKey(generation, variant)},
            bytes(owner))
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
    byte[] marker = partitioning.isNone() ? EMPTY : CacheEntryCodec.encode(partitioning);
    return redis
        .run(
            STORE,
            ScriptOutputType.INTEGER,
            new String[] {
              key.generationKey(),
              key.entryKey(generation, variant),
              key.entryKey(generation, ""),
              key.leaseKey(generation, leaseVariant)
            },
            entry,
            bytes(Long.toString(lifetime.toMillis())),
            marker,
            bytes(Long.toString(generationTtl.toMillis())),
            bytes(leaseOwner == null ? "" : leaseOwner))
        .then();
  }

  /**
   * Moves {@code tag} to a new generation, so its old entries become unreachable, and publishes
   * {@code notice} on {@link #INVALIDATIONS} for replicas that hold entries in memory. Emits how
   * many subscribers Redis handed the notice to.
   */
  Mono<Long> invalidate(String tag, Duration generationTtl, String notice) {
    return redis
        .<Long>run(
            INVALIDATE,
            ScriptOutputType.INTEGER,
            new String[] {new RequestKey(tag, "").generationKey()},
            bytes(Long.toString(generationTtl.toMillis())),
            bytes(INVALIDATIONS),
            bytes(notice))
        .next();
  }

  /**
   * Subscribes to invalidation notices ({@code onNotice}) and to the confirmations sent to this
   * replica on {@code confirmations} ({@code onConfirmation}); see {@link RequestPathRedis#listen}.
   */
  void listen(
      Consumer<String> onNotice,
      String confirmations,
      Consumer<String> onConfirmation,
      Consumer<Boolean> onListening) {
    redis.listen(Map.of(INVALIDATIONS, onNotice, confirmations, onConfirmation), onListening);
  }

  /** Publishes {@code message} on {@code channel}. */
  Mono<Long> publish(String channel, String message) {
    return redis.publish(channel, message);
  }

  /** Connects and loads the scripts ahead of traffic, outside any request's budget. */
  Mono<Void> warmUp() {
    return redis.load(LOOKUP, STORE, RELEASE, INVALIDATE);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code call} bounded by {@code budget} while Redis is silent ({@link
   * RequestPathRedis#withinBudget}).
   */
  <T> Mono<T> bounded(Mono<T> call, Duration budget) {
    return redis.withinBudget(call, budget);
  }
}
