package io.sluice.gateway.ratelimit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Decides in Redis when it can, and otherwise within a bounded time by the configured degraded
 * mode. A circuit breaker stops sending to a Redis that keeps failing, so while it is down each
 * request costs no timeout at all; half-open probes bring Redis back by themselves. For plans fast
 * enough, a request takes a batch of tokens from Redis and the client's next requests are admitted
 * from it in memory ({@link RateLimitLeases}); denials always come from Redis or the degraded mode.
 */
public class ResilientRateLimiter {

  private static final Logger log = LoggerFactory.getLogger(ResilientRateLimiter.class);

  private final RateLimiterStore redis;
  private final RateLimiterStore local;
  private final IntSupplier replicas;
  private final RateLimitProperties properties;
  private final RateLimitLeases leases;
  private final CircuitBreaker breaker;
  private final Counter redisErrors;
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
  private final RateLimitLeases.Renewer renewer = this::renewAhead;

  ResilientRateLimiter(
      RateLimiterStore redis,
      RateLimiterStore local,
      RateLimitProperties properties,
      MeterRegistry meters) {
    this(redis, local, properties, meters, System::nanoTime);
  }

  /** With the clock that ages leases, in nanoseconds. */
  ResilientRateLimiter(
      RateLimiterStore redis,
      RateLimiterStore local,
      RateLimitProperties properties,
      MeterRegistry meters,
      LongSupplier leaseClockNanos) {
    this(redis, local, properties, meters, leaseClockNanos, properties::replicas);
  }

  /**
   * With the number of replicas the local fallback shares each limit between ({@link
   * ReplicaCensus}).
   */
  ResilientRateLimiter(
      RateLimiterStore redis,
      RateLimiterStore local,
      RateLimitProperties properties,
      MeterRegistry meters,
      LongSupplier leaseClockNanos,
      IntSupplier replicas) {
    this.replicas = replicas;
    this.redis = redis;
    this.local = local;
    this.properties = properties;
    this.leases = new RateLimitLeases(properties.lease(), leaseClockNanos);
    this.breaker = RequestPathRedis.circuitBreaker("rate-limit-redis");
    this.redisErrors = meters.counter("sluice.ratelimit.redis.errors");
    Gauge.builder("sluice.ratelimit.degraded", breaker, b -> isDegraded(b) ? 1 : 0)
        .description("1 while rate limits are decided without Redis")
        .register(meters);
    Gauge.builder("sluice.ratelimit.leases", leases, RateLimitLeases::size)
        .description("clients holding a lease of tokens on this replica")
        .register(meters);
  }

  /** Takes a token from each of {@code limits} for {@code client}. */
  public Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits) {
    long batch = leases.batchSize(limits);
    if (batch <= 1) {
      return decide(client, limits, redis.consume(client, limits));
    }
    RateLimitDecision leased = leases.take(client, limits, renewer);
    if (leased != null) {
      return Mono.just(leased);
    }
    if (degraded()) {
      // No new leases while Redis is in trouble: the degraded mode decides, request by request.
      return decide(client, limits, redis.consume(client, limits));
    }
    return Mono.defer(() -> refill(client, limits, batch));
  }

  private Mono<RateLimitDecision> refill(String client, List<LimitSpec> limits, long batch) {
    RateLimitLeases.Refill refill = leases.claim(client, limits);
    if (refill == null) {
      // Another request of this client is refilling its lease: this one does not wait for it.
      return decide(client, limits, redis.consume(client, limits));
    }
    return decide(client, limits, redis.take(client, limits, batch).map(refill::complete))
        .doFinally(signal -> refill.end());
  }

  /**
   * Takes the client's next batch while its lease still has tokens, detached from any request: no
   * request waits for it, and a failure only means the next batch is taken the usual way, by the
   * request that finds the lease spent.
   */
  private void renewAhead(String client, List<LimitSpec> limits, RateLimitLeases.Refill renewal) {
    if (degraded() || !breaker.tryAcquirePermission()) {
      renewal.abandon();
      return;
    }
    long start = System.nanoTime();
    redis
        .bounded(redis.take(client, limits, leases.batchSize(limits)), properties.redisTimeout())
        .subscribe(
            grant -> {
              breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
              renewal.extend(grant);
            },
            error -> {
              renewal.abandon();
              breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
              redisErrors.increment();
              logDegraded(error);
            });
  }

  /** {@code call} to Redis, within the breaker and the budget, or the degraded mode. */
  private Mono<RateLimitDecision> decide(
      String client, List<LimitSpec> limits, Mono<RateLimitDecision> call) {
    if (!breaker.tryAcquirePermission()) {
      return degraded(client, limits);
    }
    long start = System.nanoTime();
    return redis
        .bounded(call, properties.redisTimeout())
        .doOnNext(d -> breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS))
        .doOnCancel(breaker::releasePermission)
        .onErrorResume(
            error -> {
              breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
              redisErrors.increment();
              logDegraded(error);
              return degraded(client, limits);
            });
  }

  /** Whether decisions are currently made without Redis. */
  public boolean degraded() {
    return isDegraded(breaker);
  }

  private static boolean isDegraded(CircuitBreaker breaker) {
    return breaker.getState() != CircuitBreaker.State.CLOSED;
  }

  private Mono<RateLimitDecision> degraded(String client, List<LimitSpec> limits) {
    return switch (properties.degradedMode()) {
      case FAIL_OPEN -> Mono.just(RateLimitDecision.failOpen());
      case FAIL_CLOSED ->
          Mono.just(
              new RateLimitDecision(
                  false, 2_000_000, List.of(), RateLimitDecision.Source.FAIL_CLOSED));
      case LOCAL_FALLBACK ->
          local.consume(
              client, limits.stream().map(l -> l.perReplica(replicas.getAsInt())).toList());
    };
  }

  private void logDegraded(Throwable error) {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= properties.degradedLogInterval().toNanos()
        && lastLogNanos.compareAndSet(last, now)) {
      log.warn(
          "Rate limiting degraded to {}: Redis did not answer within {} ({})",
          properties.degradedMode(),
          properties.redisTimeout(),
          error.toString());
    }
  }
}
