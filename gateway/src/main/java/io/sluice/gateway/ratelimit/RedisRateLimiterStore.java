package io.sluice.gateway.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Global token buckets in Redis: one Lua script call per decision, all of a client's buckets under
 * one hash tag ({@code sluice:rl:{client}:name}) so the script also runs on Redis Cluster.
 */
class RedisRateLimiterStore implements RateLimiterStore {

  static final String KEY_PREFIX = "sluice:rl:";

  // Read once at class load: a resource-backed script would be read lazily, on an event loop.
  @SuppressWarnings("rawtypes")
  private static final RedisScript<List> SCRIPT = RedisScript.of(loadScript(), List.class);

  private final ReactiveStringRedisTemplate redis;

  RedisRateLimiterStore(ReactiveStringRedisTemplate redis) {
    this.redis = redis;
  }

  private static String loadScript() {
    try {
      return new ClassPathResource("io/sluice/gateway/ratelimit/token_bucket.lua")
          .getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("token bucket script missing from the classpath", e);
    }
  }

  static String key(String client, LimitSpec limit) {
    return KEY_PREFIX + "{" + client + "}:" + limit.name();
  }

  /**
   * Connects and loads the script ahead of traffic, so the first requests are not the ones paying
   * for the connection and the script upload within the limiter's short timeout.
   */
  Mono<Void> warmUp() {
    ByteBuffer script =
        ByteBuffer.wrap(SCRIPT.getScriptAsString().getBytes(StandardCharsets.UTF_8));
    return redis.execute(connection -> connection.scriptingCommands().scriptLoad(script)).then();
  }

  @Override
  public Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits) {
    List<String> keys = new ArrayList<>(limits.size());
    List<String> args = new ArrayList<>(limits.size() * 3);
    for (LimitSpec limit : limits) {
      keys.add(key(client, limit));
      args.add(Long.toString(limit.burst()));
      args.add(Long.toString(limit.limit()));
      args.add(Long.toString(limit.window().toNanos() / 1000));
    }
    return redis.execute(SCRIPT, keys, args).next().map(reply -> decision(reply, limits));
  }

  private static RateLimitDecision decision(List<?> reply, List<LimitSpec> limits) {
    List<BucketState> buckets = new ArrayList<>(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      buckets.add(
          new BucketState(limits.get(i), number(reply, 2 + i * 2), number(reply, 3 + i * 2)));
    }
    return new RateLimitDecision(
        number(reply, 0) == 1, number(reply, 1), buckets, RateLimitDecision.Source.REDIS);
  }

  private static long number(List<?> reply, int index) {
    return ((Number) reply.get(index)).longValue();
  }
}
