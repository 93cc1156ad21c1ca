package io.sluice.gateway.cache;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import io.sluice.gateway.system.RequestPathRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache's Redis side, through the reactive Lettuce API only: a lookup is one script call, a
 * store one, an invalidation one per resource. Keys are {@code sluice:cache:{route:digest}:...};
 * every key carries a TTL. Scripts run by digest ({@code EVALSHA}) and are sent whole once when
 * Redis does not know them (after a restart).
 */
class RedisResponseCacheStore {

  private static final Script LOOKUP = Script.load("lookup.lua");
  private static final Script STORE = Script.load("store.lua");
  private static final Script RELEASE = Script.load("release.lua");
  private static final Script INVALIDATE = Script.load("invalidate.lua");

  private static final byte[] EMPTY = new byte[0];

  private final RequestPathRedis redis;

  RedisResponseCacheStore(RequestPathRedis redis) {
    this.redis = redis;
  }

  /** A Lua script and its SHA-1, read once at class load (never on an event loop). */
  private record Script(String source, String sha) {

    static Script load(String name) {
      try {
        String source =
            new ClassPathResource("io/sluice/gateway/cache/" + name)
                .getContentAsString(StandardCharsets.UTF_8);
        byte[] sha =
            MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        return new Script(source, HexFormat.of().formatHex(sha));
      } catch (IOException e) {
        throw new UncheckedIOException("cache script " + name + " missing from the classpath", e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is part of every JRE", e);
      }
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
    return run(
            LOOKUP,
            ScriptOutputType.MULTI,
            new String[] {key.generationKey()},
            bytes(key.entryPrefix()),
            bytes(key.request()),
            bytes(variant))
        .collectList()
        .map(
            reply -> {
              List<?> values = reply.size() == 1 && reply.get(0) instanceof List<?> l ? l : reply;
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
    return run(
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
    return run(
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

  /** Moves every tag to a new generation; their old entries become unreachable. */
  Mono<Void> invalidate(Iterable<String> tags, Duration generationTtl) {
    byte[] ttl = bytes(Long.toString(generationTtl.toMillis()));
    return Flux.fromIterable(tags)
        .flatMap(
            tag ->
                run(
                    INVALIDATE,
                    ScriptOutputType.INTEGER,
                    new String[] {new RequestKey(tag, "").generationKey()},
                    ttl))
        .then();
  }

  /** Connects and loads the scripts ahead of traffic, outside any request's budget. */
  Mono<Void> warmUp() {
    return redis
        .commands()
        .flatMapMany(
            c ->
                Flux.just(LOOKUP, STORE, RELEASE, INVALIDATE)
                    .flatMap(script -> c.scriptLoad(script.source())))
        .then();
  }

  private <T> Flux<T> run(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    return redis
        .commands()
        .flatMapMany(
            c ->
                c.<T>evalsha(script.sha(), type, keys, args)
                    .onErrorResume(
                        RedisNoScriptException.class,
                        error -> c.<T>eval(script.source(), type, keys, args)));
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
