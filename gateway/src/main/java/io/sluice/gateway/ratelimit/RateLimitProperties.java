package io.sluice.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limiting, under {@code sluice.rate-limit}. Invalid plans stop the gateway at startup with a
 * message naming the plan and limit.
 *
 * @param enabled whether limits are enforced at all
 * @param degradedMode what a replica does while Redis is unavailable or too slow
 * @param redisTimeout how long a decision may wait for Redis before the degraded mode applies; tens
 *     of milliseconds, so a hung Redis never stalls traffic
 * @param replicas how many gateway replicas share the limits; the local fallback allows each
 *     replica this fraction of a plan's limits
 * @param degradedLogInterval at most one log line per interval while degraded
 * @param plans plan name to its limits (limit name to limit); a request must fit every limit of its
 *     plan. Defaults: {@code free} 10/s (burst 20) and 50,000/day, {@code standard} 100/s (burst
 *     200) and 5,000,000/day, {@code partner} 10,000/s (burst 20,000)
 * @param lease how a replica leases batches of a fast plan's tokens from Redis
 */
@ConfigurationProperties("sluice.rate-limit")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("local-fallback") DegradedMode degradedMode,
    @DefaultValue("50ms") Duration redisTimeout,
    @DefaultValue("2") int replicas,
    @DefaultValue("10s") Duration degradedLogInterval,
    Map<String, Map<String, Limit>> plans,
    @DefaultValue Lease lease) {

  /** What a replica does when Redis cannot decide. */
  public enum DegradedMode {
    /** Enforce each plan's limits divided by {@code replicas} in this replica's memory. */
    LOCAL_FALLBACK,
    /** Admit every request (no limit while Redis is down). */
    FAIL_OPEN,
    /** Refuse every limited request with 503 until Redis is back. */
    FAIL_CLOSED
  }

  /**
   * One limit of a plan.
   *
   * @param limit requests per window
   * @param window the window, e.g. {@code 1s}, {@code 1m}, {@code 1d}
   * @param burst bucket capacity, at least {@code limit}; defaults to {@code limit}
   */
  public record Limit(long limit, Duration window, Long burst) {}

  /**
   * Local token leasing: a replica takes a batch of a client's tokens from Redis in one call and
   * admits that client's next requests from it in memory. A batch is at most what each of the
   * client's limits adds in {@code maxAge}, so slow plans are not leased and stay exact.
   *
   * @param enabled whether replicas lease tokens; off, every decision is one Redis call
   * @param maxTokens the largest batch a replica takes at once, at least 1
   * @param maxAge how long a leased token may be used after Redis granted it; positive, at most 1s
   */
  public record Lease(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("100") int maxTokens,
      @DefaultValue("100ms") Duration maxAge) {

    static final Lease DEFAULTS = new Lease(true, 100, Duration.ofMillis(100));

    public Lease {
      if (maxTokens < 1) {
        throw new IllegalArgumentException(
            "sluice.rate-limit.lease.max-tokens must be at least 1 (was " + maxTokens + ")");
      }
      // Leased tokens may be used this long after Redis granted them, on top of the bucket's own
      // admissions: the bound on that inaccuracy must stay short.
      if (maxAge == null
          || maxAge.isZero()
          || maxAge.isNegative()
          || maxAge.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException(
            "sluice.rate-limit.lease.max-age must be positive and at most 1s (was " + maxAge + ")");
      }
    }
  }

  /** Settings with leasing at its defaults. */
  public RateLimitProperties(
      boolean enabled,
      DegradedMode degradedMode,
      Duration redisTimeout,
      int replicas,
      Duration degradedLogInterval,
      Map<String, Map<String, Limit>> plans) {
    this(enabled, degradedMode, redisTimeout, replicas, degradedLogInterval, plans, Lease.DEFAULTS);
  }

  @ConstructorBinding
  public RateLimitProperties {
    if (redisTimeout == null || redisTimeout.isZero() || redisTimeout.isNegative()) {
      throw new IllegalArgumentException("sluice.rate-limit.redis-timeout must be positive");
    }
    if (replicas < 1) {
      throw new IllegalArgumentException("sluice.rate-limit.replicas must be at least 1");
    }
    // Configured plans add to the defaults or replace one by name; they never remove the others,
    // so the administrator's plan and the "free" fallback always exist.
    Map<String, Map<String, Limit>> merged = defaultPlans();
    if (plans != null) {
      merged.putAll(plans);
    }
    plans = merged;
    resolve(plans);
    if (lease == null) {
      lease = Lease.DEFAULTS;
    }
  }

  /** The validated limits of every plan. */
  public Map<String, List<LimitSpec>> resolvedPlans() {
    return resolve(plans);
  }

  private static Map<String, List<LimitSpec>> resolve(Map<String, Map<String, Limit>> plans) {
    Map<String, List<LimitSpec>> resolved = new LinkedHashMap<>();
    plans.forEach(
        (plan, limits) -> {
          if (limits == null || limits.isEmpty()) {
            throw new IllegalArgumentException(
                "sluice.rate-limit.plans." + plan + " must define at least one limit");
          }
          List<LimitSpec> specs = new ArrayList<>();
          limits.forEach(
              (name, l) -> {
                try {
                  specs.add(
                      new LimitSpec(
                          name, l.limit(), l.window(), l.burst() == null ? l.limit() : l.burst()));
                } catch (IllegalArgumentException e) {
                  throw new IllegalArgumentException(
                      "sluice.rate-limit.plans." + plan + ": " + e.getMessage());
                }
              });
          resolved.put(plan, List.copyOf(specs));
        });
    return resolved;
  }

  static Map<String, Map<String, Limit>> defaultPlans() {
    Map<String, Map<String, Limit>> plans = new LinkedHashMap<>();
    plans.put(
        "free",
        limits(
            "second", new Limit(10, Duration.ofSeconds(1), 20L),
            "day", new Limit(50_000, Duration.ofDays(1), null)));
    plans.put(
        "standard",
        limits(
            "second", new Limit(100, Duration.ofSeconds(1), 200L),
            "day", new Limit(5_000_000, Duration.ofDays(1), null)));
    plans.put("partner", Map.of("second", new Limit(10_000, Duration.ofSeconds(1), 20_000L)));
    return plans;
  }

  private static Map<String, Limit> limits(String n1, Limit l1, String n2, Limit l2) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    limits.put(n1, l1);
    limits.put(n2, l2);
    return limits;
  }
}
