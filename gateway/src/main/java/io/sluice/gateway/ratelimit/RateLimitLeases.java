package io.sluice.gateway.ratelimit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This replica's leases: tokens taken from Redis in a batch for one client's limits, handed out to
 * that client's next requests in memory until used up or {@code max-age} old. Unused tokens of an
 * expired lease are lost. At most one refill per client is in flight, and a lease running low is
 * renewed ahead once, in the background, its next batch queued behind it; taking a token is one
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

  /** Starts a refill ahead of need, in the background, for the client whose lease runs low. */
  interface Renewer {
    void renew(String client, List<LimitSpec> limits, Refill renewal);
  }

  /**
   * A decision from {@code client}'s lease, or null when it has none that is unexpired and left.
   * The take that brings the lease down to its low-water mark (a quarter of the batch) hands a
   * renewal to {@code renewer}, so that the next batch usually arrives before this one is used up
   * and the client's requests keep being admitted from memory.
   */
  RateLimitDecision take(String client, List<LimitSpec> limits, Renewer renewer) {
    Key key = new Key(client, limits);
    Lease lease = leases.get(key);
    if (lease == null) {
      return null;
    }
    long now = clockNanos.getAsLong();
    long left = lease.take(now);
    if (left < 0) {
      return null;
    }
    if (renewer != null && lease.dueForRenewal(left)) {
      renewer.renew(client, limits, new Refill(key, lease, now, true));
    }
    return lease.decision(left, now);
  }

  /** {@link #take(String, List, Renewer)} without renewing ahead. */
  RateLimitDecision take(String client, List<LimitSpec> limits) {
    return take(client, limits, null);
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
            : current.spent(now)
                && !current.awaitingRenewal(now)
                && leases.replace(key, current, inFlight);
    return claimed ? new Refill(key, inFlight, now, false) : null;
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
    private final Lease replaced;
    private final long startedAt;
    private final boolean ahead;

    /**
     * @param replaced the in-flight marker of a refill, or the running lease of a renewal ahead
     */
    private Refill(Key key, Lease replaced, long startedAt, boolean ahead) {
      this.key = key;
      this.replaced = replaced;
      this.startedAt = startedAt;
      this.ahead = ahead;
    }

    /**
     * Ends a renewal ahead: the batch becomes the client's lease, behind what is left of the
     * running one (used first, and still expiring on its own schedule). Dropped if the running
     * lease was replaced meanwhile (it ran out first): tokens are lost then, never doubled.
     */
    void extend(RateLimiterStore.Grant grant) {
      if (!ahead) {
        return;
      }
      replaced.renewalPending = false;
      if (grant.tokens() < 1) {
        return;
      }
      Lease next =
          new Lease(grant.decision().buckets(), grant.tokens(), startedAt, startedAt + maxAgeNanos);
      next.older = replaced;
      replaced.older = null;
      leases.replace(key, replaced, next);
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
      leases.replace(key, replaced, lease);
      return lease.decision(left, clockNanos.getAsLong());
    }

    /** Gives up a renewal ahead (Redis failed or is degraded): the lease is refilled as usual. */
    void abandon() {
      if (ahead) {
        replaced.renewalPending = false;
      }
    }

    /** Ends the refill however it went, so that a later request may refill the lease. */
    void end() {
      if (!ahead) {
        leases.remove(key, replaced);
      }
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

    /** Renew ahead once at most this many are left (none below a batch of 4). */
    private final long lowWater;

    private final AtomicBoolean renewing = new AtomicBoolean();

    /** What was left of the lease this one renewed: used first; never itself has an older. */
    private volatile Lease older;

    /**
     * A renewal ahead of this lease is in flight: until it ends (or the lease expires) nobody
     * refills the lease the usual way, so the renewal's batch is not crowded out and lost.
     */
    private volatile boolean renewalPending;

    Lease(List<BucketState> granted, long unused, long takenAt, long expiresAt) {
      this.granted = granted;
      this.unused = new AtomicLong(unused);
      this.takenAt = takenAt;
      this.expiresAt = expiresAt;
      this.lowWater = unused / 4;
    }

    /** Whether a take that left {@code left} tokens should start this lease's renewal. */
    boolean dueForRenewal(long left) {
      return granted != null
          && lowWater > 0
          && left <= lowWater
          && older == null
          && !renewing.get()
          && renewing.compareAndSet(false, true)
          && (renewalPending = true);
    }

    /** Whether a renewal ahead is in flight and this lease has not yet expired. */
    boolean awaitingRenewal(long now) {
      return renewalPending && !expired(now);
    }

    /** The marker of a refill in flight: it holds no tokens and is not spent until it is stale. */
    static Lease inFlight(long staleAt) {
      return new Lease(null, 0, 0, staleAt);
    }

    /**
     * Takes a token, from what is left of the renewed lease first; returns how many are left after
     * it, or -1 when none was left or all expired.
     */
    long take(long now) {
      Lease previous = older;
      if (previous != null) {
        long left = previous.takeOwn(now);
        if (left >= 0) {
          return left + Math.max(0, unused.get());
        }
        older = null;
      }
      return takeOwn(now);
    }

    private long takeOwn(long now) {
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
      Lease previous = older;
      return expired(now)
          || (granted != null && unused.get() <= 0 && (previous == null || previous.spent(now)));
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
