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
 * Global token buckets in Redis: one Lua script call per decision (or per leased batch of tokens),
 * all of a client's buckets under one hash tag ({@code sluice:rl:{client}:name}) so the script also
 * runs on Redis Cluster.
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
    return take(client, limits, 1).map(Grant::decision);
  }

  @Override
  public Mono<Grant> take(String client, List<LimitSpec> limits, long want) {
    String[] keys = new String[limits.size()];
    byte[][] args = new byte[1 + limits.size() * 3][];
    args[0] = number(want);
    for (int i = 0; i < limits.size(); i++) {
      LimitSpec limit = limits.get(i);
      keys[i] = key(client, limit);
      args[1 + i * 3] = number(limit.burst());
      args[2 + i * 3] = number(limit.limit());
      args[3 + i * 3] = number(limit.window().toNanos() / 1000);
    }
    return redis
        .<List<?>>run(SCRIPT, ScriptOutputType.MULTI, keys, args)
        .next()
        .map(reply -> grant(reply, limits));
  }

  private static Grant grant(List<?> reply, List<LimitSpec> limits) {
    List<BucketState> buckets = new ArrayList<>(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      buckets.add(
          new BucketState(limits.get(i), number(reply, 2 + i * 2), number(reply, 3 + i * 2)));
    }
    long granted = number(reply, 0);
    return new Grant(
        granted,
        new RateLimitDecision(
            granted > 0, number(reply, 1), buckets, RateLimitDecision.Source.REDIS));
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
