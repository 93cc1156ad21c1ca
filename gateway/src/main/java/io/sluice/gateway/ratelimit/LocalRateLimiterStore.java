package io.sluice.gateway.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * In-memory token buckets, the same algorithm as the Redis script, for one replica while Redis is
 * unavailable. Callers pass limits already divided by the replica count. Buckets untouched for
 * longer than it takes them to refill are dropped, so memory stays bounded by active clients.
 */
class LocalRateLimiterStore implements RateLimiterStore {

  private static final int SWEEP_EVERY = 4096;

  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier clockMicros;
  private int sinceSweep;

  LocalRateLimiterStore() {
    this(() -> System.nanoTime() / 1000);
  }

  LocalRateLimiterStore(LongSupplier clockMicros) {
    this.clockMicros = clockMicros;
  }

  @Override
  public Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits) {
    return Mono.fromSupplier(() -> decide(client, limits));
  }

  private RateLimitDecision decide(String client, List<LimitSpec> limits) {
    long now = clockMicros.getAsLong();
    maybeSweep(now);
    List<Bucket> owned = new ArrayList<>(limits.size());
    for (LimitSpec limit : limits) {
      owned.add(buckets.computeIfAbsent(client + ":" + limit.name(), k -> new Bucket(limit, now)));
    }
    // Lock in a fixed order (the limits' order) so two requests of one client cannot deadlock.
    return lockAll(owned, 0, now);
  }

  private RateLimitDecision lockAll(List<Bucket> owned, int index, long now) {
    if (index < owned.size()) {
      synchronized (owned.get(index)) {
        return lockAll(owned, index + 1, now);
      }
    }
    boolean allowed = true;
    long retry = 0;
    for (Bucket bucket : owned) {
      bucket.refill(now);
      if (bucket.tokens < 1) {
        allowed = false;
        retry = Math.max(retry, bucket.microsUntil(1));
      }
    }
    List<BucketState> states = new ArrayList<>(owned.size());
    for (Bucket bucket : owned) {
      if (allowed) {
        bucket.tokens -= 1;
      }
      states.add(
          new BucketState(
              bucket.spec,
              (long) Math.floor(bucket.tokens),
              bucket.microsUntil(bucket.spec.burst())));
    }
    return new RateLimitDecision(allowed, retry, states, RateLimitDecision.Source.LOCAL);
  }

  private void maybeSweep(long now) {
    if (++sinceSweep < SWEEP_EVERY) {
      return;
    }
    sinceSweep = 0;
    buckets.values().removeIf(bucket -> bucket.idleAndFull(now));
  }

  int size() {
    return buckets.size();
  }

  private static final class Bucket {
    private final LimitSpec spec;
    private double tokens;
    private long updated;

    Bucket(LimitSpec spec, long now) {
      this.spec = spec;
      this.tokens = spec.burst();
      this.updated = now;
    }

    void refill(long now) {
      long elapsed = Math.max(0, now - updated);
      tokens = Math.min(spec.burst(), tokens + elapsed * (double) spec.limit() / windowMicros());
      updated = now;
    }

    long microsUntil(double wanted) {
      double missing = wanted - tokens;
      return missing <= 0 ? 0 : (long) Math.ceil(missing * windowMicros() / spec.limit());
    }

    synchronized boolean idleAndFull(long now) {
      refill(now);
      return tokens >= spec.burst();
    }

    private double windowMicros() {
      return spec.window().toNanos() / 1000.0;
    }
  }
}
