package io.sluice.gateway.ratelimit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This replica's leases: tokens taken from Redis in a batch for one client's limits, handed out to
 * that client's next requests in memory until used up or {@code max-age} old. Unused tokens of an
 * expired lease are lost. At most one refill per client is in flight; taking a token is one
 * compare-and-set. Expired leases are swept and the number of leases is capped, so memory stays
 * bounded by active clients. Accuracy: docs/edge-security.md, "Token leasing".
 */
final class RateLimitLeases {

  /** At most this many clients hold a lease; the others are decided in Redis request by request. */
  static final int MAX_LEASES = 10_000;

  /** Expired leases are swept once per this many refills asked for (a power of two). */
  private static final int SWEEP_EVERY = 1024;

  /**
   * A refill in flight ends well within this (Redis budgets are tens of milliseconds); past it, its
   * marker is swept so that a lost end could not stop the client's leasing for good.
   */
  private static final long STALE_REFILL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final RateLimitProperties.Lease properties;
  private final long maxAgeNanos;
  private final LongSupplier clockNanos;
  private final Map<Key, Lease> leases = new ConcurrentHashMap<>();
  private final AtomicInteger refillsAsked = new AtomicInteger();

  RateLimitLeases(RateLimitProperties.Lease properties, LongSupplier clockNanos) {
    this.properties = properties;
    this.maxAgeNanos = properties.maxAge().toNanos();
    this.clockNanos = clockNanos;
  }

  /**
   * How many tokens to lease at once for {@code limits}: {@code max-tokens}, or less if one of the
   * limits adds fewer in {@code max-age}. One or less means no leasing: every request is decided in
   * Redis.
   */
  long batchSize(List<LimitSpec> limits) {
    if (!properties.enabled()) {
      return 1;
    }
    long batch = properties.maxTokens();
    for (LimitSpec limit : limits) {
      batch = Math.min(batch, addedWithinMaxAge(limit));
    }
    return batch;
  }

  private long addedWithinMaxAge(LimitSpec limit) {
    long windowNanos = limit.window().toNanos();
    if (limit.limit() <= Long.MAX_VALUE / maxAgeNanos) {
      return limit.limit() * maxAgeNanos / windowNanos;
    }
    return BigInteger.valueOf(limit.limit())
        .multiply(BigInteger.valueOf(maxAgeNanos))
        .divide(BigInteger.valueOf(windowNanos))
        .min(BigInteger.valueOf(Long.MAX_VALUE))
        .longValue();
  }

  /**
   * A decision from {@code client}'s lease, or null when it has none that is unexpired and left.
   */
  RateLimitDecision take(String client, List<LimitSpec> limits) {
    Lease lease = leases.get(new Key(client, limits));
    if (lease == null) {
      return null;
    }
    long now = clockNanos.getAsLong();
    long left = lease.take(now);
    return left < 0 ? null : lease.decision(left, now);
  }

  /**
   * The right to refill {@code client}'s lease, or null when another request is refilling it (or
   * too many clients hold leases): then this request takes a single token from Redis instead of
   * waiting.
   */
  Refill claim(String client, List<LimitSpec> limits) {
    long now = clockNanos.getAsLong();
    if ((refillsAsked.incrementAndGet() & (SWEEP_EVERY - 1)) == 0) {
      sweep(now);
    }
    Key key = new Key(client, limits);
    Lease inFlight = Lease.inFlight(now + STALE_REFILL_NANOS);
    Lease current = leases.get(key);
    boolean claimed =
        current == null
            ? leases.size() < MAX_LEASES && leases.putIfAbsent(key, inFlight) == null
            : current.spent(now) && leases.replace(key, current, inFlight);
    return claimed ? new Refill(key, inFlight, now) : null;
  }

  /** Drops expired leases (and refills whose end was lost). */
  void sweep(long now) {
    leases.values().removeIf(lease -> lease.expired(now));
  }

  /** How many clients hold a lease or are refilling one. */
  int size() {
    return leases.size();
  }

  /**
   * One request's refill of a lease: it asks Redis for a batch, keeps one token, leases the rest.
   */
  final class Refill {
    private final Key key;
    private final Lease inFlight;
    private final long startedAt;

    private Refill(Key key, Lease inFlight, long startedAt) {
      this.key = key;
      this.inFlight = inFlight;
      this.startedAt = startedAt;
    }

    /** The decision for the request that refilled; the rest of the batch becomes the lease. */
    RateLimitDecision complete(RateLimiterStore.Grant grant) {
      if (grant.tokens() < 2) {
        return grant.decision();
      }
      long left = grant.tokens() - 1;
      // Redis granted the batch after the refill started, so its age is counted from the start: a
      // token is never used later than max-age after it was granted.
      Lease lease = new Lease(grant.decision().buckets(), left, startedAt, startedAt + maxAgeNanos);
      // Fails only when a sweep dropped this refill as stale: then the batch is lost, not doubled.
      leases.replace(key, inFlight, lease);
      return lease.decision(left, clockNanos.getAsLong());
    }

    /** Ends the refill however it went, so that a later request may refill the lease. */
    void end() {
      leases.remove(key, inFlight);
    }
  }

  private record Key(String client, List<LimitSpec> limits) {}

  /**
   * Tokens left in one batch, with the buckets' state as Redis reported it when it granted them.
   */
  private static final class Lease {
    private final List<BucketState> granted;
    private final AtomicLong unused;
    private final long takenAt;
    private final long expiresAt;

    Lease(List<BucketState> granted, long unused, long takenAt, long expiresAt) {
      this.granted = granted;
      this.unused = new AtomicLong(unused);
      this.takenAt = takenAt;
      this.expiresAt = expiresAt;
    }

    /** The marker of a refill in flight: it holds no tokens and is not spent until it is stale. */
    static Lease inFlight(long staleAt) {
      return new Lease(null, 0, 0, staleAt);
    }

    /** Takes a token; returns how many are left after it, or -1 when none was left or expired. */
    long take(long now) {
      if (granted == null || expired(now)) {
        return -1;
      }
      long before = unused.get();
      while (before > 0) {
        if (unused.compareAndSet(before, before - 1)) {
          return before - 1;
        }
        before = unused.get();
      }
      return -1;
    }

    boolean expired(long now) {
      return now - expiresAt >= 0;
    }

    /** Whether a new batch may replace this lease. */
    boolean spent(long now) {
      return expired(now) || (granted != null && unused.get() <= 0);
    }

    /**
     * An admission with {@code left} tokens still unused: each bucket's remaining is what Redis
     * reported plus those (this client may still use them), its reset what Redis reported less the
     * time since.
     */
    RateLimitDecision decision(long left, long now) {
      long elapsedMicros = (now - takenAt) / 1000;
      List<BucketState> buckets = new ArrayList<>(granted.size());
      for (BucketState bucket : granted) {
        buckets.add(
            new BucketState(
                bucket.spec(),
                Math.min(bucket.spec().burst(), bucket.remaining() + left),
                Math.max(0, bucket.resetMicros() - elapsedMicros)));
      }
      return new RateLimitDecision(true, 0, buckets, RateLimitDecision.Source.LEASE);
    }
  }
}
