package io.sluice.gateway.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.system.LuaScript;
import io.sluice.gateway.system.RequestPathRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How many gateway replicas share the limits, for the local fallback while Redis is away. Every
 * replica announces itself in Redis every {@link #INTERVAL} (one small script, off the request
 * path) and learns how many replicas announced within the last {@link #WINDOW}. When Redis goes
 * away the last count is what the fallback divides each limit by: the replicas running just before
 * the outage together admit about the plan's limit, however the autoscaler had scaled them. Until a
 * first count arrives, {@code sluice.rate-limit.replicas} stands in for it.
 */
class ReplicaCensus implements IntSupplier, AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(5);

  /** Three missed announcements and a replica no longer counts. */
  static final Duration WINDOW = INTERVAL.multipliedBy(3);

  static final String KEY = "sluice:gateways:{census}";

  private static final LuaScript CENSUS = LuaScript.load("io/sluice/gateway/ratelimit/census.lua");

  private final RequestPathRedis redis;
  private final int configured;
  private final String id = UUID.randomUUID().toString();
  private final AtomicInteger known = new AtomicInteger();
  private volatile Disposable schedule;

  ReplicaCensus(RequestPathRedis redis, int configured, MeterRegistry meters) {
    this.redis = redis;
    this.configured = configured;
    Gauge.builder("sluice.ratelimit.replicas", this, ReplicaCensus::getAsInt)
        .description("gateway replicas the local rate-limit fallback shares each limit between")
        .register(meters);
  }

  /** The last count Redis gave, or the configured one before the first. */
  @Override
  public int getAsInt() {
    int count = known.get();
    return count > 0 ? count : configured;
  }

  /** Announces this replica now and then every {@link #INTERVAL}, until {@link #close}. */
  void start() {
    schedule =
        Flux.interval(Duration.ZERO, INTERVAL, Schedulers.parallel())
            // A tick while an announcement is still out is skipped, not an overflow that would
            // end the schedule.
            .onBackpressureDrop()
            .concatMap(tick -> announce().onErrorResume(error -> Mono.empty()), 1)
            .subscribe();
  }

  /** One announcement: the number of replicas alive, which is also remembered. */
  Mono<Integer> announce() {
    return call(true).doOnNext(known::set);
  }

  private Mono<Integer> call(boolean announce) {
    return redis
        .withinBudget(
            redis
                .<Long>run(
                    CENSUS,
                    ScriptOutputType.INTEGER,
                    new String[] {KEY},
                    bytes(id),
                    bytes(Long.toString(WINDOW.toMillis())),
                    bytes(announce ? "1" : "0"))
                .next(),
            Duration.ofSeconds(1))
        .map(Long::intValue);
  }

  /**
   * Stops announcing and leaves the census, so that the others count one fewer at their next
   * announcement (without waiting for {@link #WINDOW}); without Redis, the window does it.
   */
  @Override
  public void close() {
    Disposable running = schedule;
    if (running != null) {
      running.dispose();
    }
    call(false).subscribe(count -> {}, error -> {});
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
