package io.sluice.gateway.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.sluice.gateway.system.LuaScript;
import io.sluice.gateway.system.RequestPathRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Global token buckets in Redis: one Lua script call per decision, all of a client's buckets under
 * one hash tag ({@code sluice:rl:{client}:name}) so the script also runs on Redis Cluster.
 */
class RedisRateLimiterStore implements RateLimiterStore {

  static final String KEY_PREFIX = "sluice:rl:";

  private static final LuaScript SCRIPT =
      LuaScript.load("io/sluice/gateway/ratelimit/token_bucket.lua");

  private final RequestPathRedis redis;

  RedisRateLimiterStore(RequestPathRedis redis) {
    this.redis = redis;
  }

  static String key(String client, LimitSpec limit) {
    return KEY_PREFIX + "{" + client + "}:" + limit.name();
  }

  /**
   * Connects and loads the script ahead of traffic, so the first requests are not the ones paying
   * for the connection and the script upload within the limiter's short timeout.
   */
  Mono<Void> warmUp() {
    return redis.load(SCRIPT);
  }

  @Override
  public Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits) {
    String[] keys = new String[limits.size()];
    byte[][] args = new byte[limits.size() * 3][];
    for (int i = 0; i < limits.size(); i++) {
      LimitSpec limit = limits.get(i);
      keys[i] = key(client, limit);
      args[i * 3] = number(limit.burst());
      args[i * 3 + 1] = number(limit.limit());
      args[i * 3 + 2] = number(limit.window().toNanos() / 1000);
    }
    return redis
        .<List<?>>run(SCRIPT, ScriptOutputType.MULTI, keys, args)
        .next()
        .map(reply -> decision(reply, limits));
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

  private static byte[] number(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  private static long number(List<?> reply, int index) {
    return ((Number) reply.get(index)).longValue();
  }

  /**
   * Bounded while Redis is silent, not while the gateway is busy: {@link
   * RequestPathRedis#withinBudget}.
   */
  @Override
  public <T> Mono<T> bounded(Mono<T> call, Duration budget) {
    return redis.withinBudget(call, budget);
  }
}
