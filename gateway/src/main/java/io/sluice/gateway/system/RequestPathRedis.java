package io.sluice.gateway.system;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.tracing.Tracing;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * A Lettuce connection for Redis work on the request path (keys as strings, values as bytes),
 * reached without ever blocking an event loop. Spring Data Redis's shared connection is taken under
 * a lock on every command and, while Redis is down, connects synchronously inside it; here the
 * connection is opened asynchronously on first use, reopened the same way after a failed attempt,
 * and kept alive by Lettuce's own reconnect. While it is disconnected, commands are refused at once
 * instead of queued.
 *
 * <p>Lettuce's command timeouts run on a timer that holds each command, and with it the request
 * waiting for the reply, until the timer's next tick, even when the reply came long before. The
 * shared timer ticks every 100 ms; at thousands of commands a second that kept hundreds of finished
 * requests reachable and filled the gateway's small old generation (a full collection every 100 ms
 * in the Redis cache-hit benchmark). This connection has a timer of its own that ticks every
 * {@value #TIMER_TICK_MILLIS} ms.
 */
public class RequestPathRedis implements AutoCloseable {

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final RedisURI uri;
  private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>>
      pending = new AtomicReference<>();
  private volatile StatefulRedisConnection<String, byte[]> connected;
  private final AtomicBoolean subscribing = new AtomicBoolean();
  private volatile StatefulRedisPubSubConnection<String, String> pubSub;
  private volatile long lastReplyNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  /** How often the command-timeout timer looks at its commands (Lettuce's default: 100 ms). */
  static final long TIMER_TICK_MILLIS = 10;

  private final HashedWheelTimer timer;

  /** A call waits at most this many budgets while Redis keeps answering other calls. */
  static final int MAX_BUDGETS = 4;

  public RequestPathRedis(RedisProperties properties, ClientResources resources) {
    this.uri = RedisURI.create(properties.url());
    this.uri.setTimeout(properties.commandTimeout());
    this.timer =
        new HashedWheelTimer(
            new DefaultThreadFactory("request-path-redis-timer", true),
            TIMER_TICK_MILLIS,
            TimeUnit.MILLISECONDS);
    // Lettuce's threads, not its tracing: a span per rate-limit or cache command would cost more
    // than the command; the request's own span and Sluice's meters already say how Redis did.
    // Not shut down on close: resources made by mutate() would take Lettuce's shared threads down.
    this.client =
        RedisClient.create(
            resources
                .mutate()
                .tracing(Tracing.disabled())
                // Nothing reads Lettuce's latency statistics; Sluice's meters say how Redis did.
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .timer(timer)
                .build());
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(properties.commandTimeout()))
            .build());
  }

  /** The commands of the connection, connecting first if need be. */
  public Mono<RedisReactiveCommands<String, byte[]>> commands() {
    StatefulRedisConnection<String, byte[]> open = connected;
    if (open != null) {
      return Mono.just(open.reactive());
    }
    CompletableFuture<StatefulRedisConnection<String, byte[]>> attempt = connecting();
    return Mono.create(
        sink -> {
          AtomicBoolean cancelled = new AtomicBoolean();
          sink.onCancel(() -> cancelled.set(true));
          // A caller that gave up (its budget ran out) is not told how the attempt ended: the
          // error would only be logged as dropped.
          attempt.whenComplete(
              (connection, error) -> {
                if (cancelled.get()) {
                  return;
                }
                if (error != null) {
                  sink.error(error);
                } else {
                  sink.success(connection.reactive());
                }
              });
        });
  }

  /** The connection attempt under way, or a new one; a failed attempt is forgotten. */
  private CompletableFuture<StatefulRedisConnection<String, byte[]>> connecting() {
    CompletableFuture<StatefulRedisConnection<String, byte[]>> current = pending.get();
    if (current != null) {
      return current;
    }
    CompletableFuture<StatefulRedisConnection<String, byte[]>> attempt = new CompletableFuture<>();
    if (!pending.compareAndSet(null, attempt)) {
      return pending.get();
    }
    client
        .connectAsync(CODEC, uri)
        .whenComplete(
            (connection, error) -> {
              if (error != null) {
                pending.compareAndSet(attempt, null);
                attempt.completeExceptionally(error);
              } else {
                connected = connection;
                attempt.complete(connection);
              }
            });
    return attempt;
  }

  /**
   * Runs {@code script} by digest, sending it whole once when Redis does not know it (after a
   * restart, or before {@link #load}).
   */
  public <T> Flux<T> run(LuaScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    return commands()
        .flatMapMany(
            c ->
                c.<T>evalsha(script.sha(), type, keys, args)
                    .onErrorResume(
                        RedisNoScriptException.class,
                        error -> c.<T>eval(script.source(), type, keys, args)))
        .doOnNext(value -> replied())
        .doOnComplete(this::replied);
  }

  private void replied() {
    lastReplyNanos = System.nanoTime();
  }

  /**
   * Bounds {@code call} by {@code budget} while Redis is silent. A hung, stopped or unreachable
   * Redis answers nothing, and the call fails after one budget (two at most, if another call's
   * reply arrived just before). But when other calls' replies kept arriving within the last budget,
   * Redis is alive and the wait is the gateway's own queueing (a saturated event loop): the call
   * waits on, a budget at a time, up to {@value #MAX_BUDGETS} budgets, instead of tripping the
   * caller's circuit breaker into its degraded mode because the gateway itself is busy.
   */
  public <T> Mono<T> withinBudget(Mono<T> call, Duration budget) {
    long budgetNanos = budget.toNanos();
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return call.timeout(Mono.<Long>create(sink -> new Expiry(sink, start, budgetNanos)));
        });
  }

  /**
   * The end of a call's budget, on this connection's timer: arming and cancelling a wheel timeout
   * costs a queue operation, where a scheduled executor takes a lock and reorders its queue for
   * every Redis call (most of which are answered long before). The timer fires up to one tick
   * ({@value #TIMER_TICK_MILLIS} ms) late; an expiry is signalled on Reactor's parallel threads, so
   * a hung Redis's many expiries do not queue up behind one another on the timer's thread.
   */
  private final class Expiry implements TimerTask, Disposable {

    private final MonoSink<Long> sink;

    private final long start;

    private final long budgetNanos;

    private volatile Timeout pending;

    private volatile boolean disposed;

    Expiry(MonoSink<Long> sink, long start, long budgetNanos) {
      this.sink = sink;
      this.start = start;
      this.budgetNanos = budgetNanos;
      sink.onDispose(this);
      arm();
    }

    private void arm() {
      Timeout timeout = timer.newTimeout(this, budgetNanos, TimeUnit.NANOSECONDS);
      pending = timeout;
      if (disposed) {
        timeout.cancel();
      }
    }

    @Override
    public void run(Timeout timeout) {
      if (disposed) {
        return;
      }
      if (expired(System.nanoTime(), start, lastReplyNanos, budgetNanos)) {
        Schedulers.parallel().schedule(() -> sink.success(0L));
      } else {
        arm();
      }
    }

    @Override
    public void dispose() {
      disposed = true;
      Timeout timeout = pending;
      if (timeout != null) {
        timeout.cancel();
      }
    }
  }

  /** Budgets and command timeouts waiting on the timer. */
  long pendingTimeouts() {
    return timer.pendingTimeouts();
  }

  /**
   * The circuit breaker of a feature that calls Redis through {@link #withinBudget}. It judges a
   * time window, not the last 20 calls: at thousands of calls a second, one brief stall of the
   * gateway itself (a saturated machine) times out dozens of calls in a row and would trip a count
   * window, while a hung Redis fails every call and still trips this one after 5. Open, it lets
   * probes through after 2 s, so the feature returns to Redis by itself.
   */
  public static CircuitBreaker circuitBreaker(String name) {
    return CircuitBreaker.of(
        name,
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .slidingWindowSize(2)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(2))
            .permittedNumberOfCallsInHalfOpenState(3)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .build());
  }

  /** Whether a call that started at {@code start} has waited long enough (all in nanoseconds). */
  static boolean expired(long now, long start, long lastReply, long budget) {
    return now - lastReply >= budget || now - start >= budget * MAX_BUDGETS;
  }

  /** Connects and loads {@code scripts}, ahead of traffic and outside any request's budget. */
  public Mono<Void> load(LuaScript... scripts) {
    return commands()
        .flatMapMany(c -> Flux.fromArray(scripts).flatMap(script -> c.scriptLoad(script.source())))
        .then();
  }

  /**
   * Publishes {@code message} on {@code channel} over this connection (not the subscription's);
   * emits how many subscribers Redis handed it to.
   */
  public Mono<Long> publish(String channel, String message) {
    return commands()
        .flatMap(c -> c.publish(channel, message.getBytes(StandardCharsets.UTF_8)))
        .doOnNext(receivers -> replied());
  }

  /**
   * Listens on {@code channels}: each channel's handler gets its messages, {@code onListening} says
   * whether messages can currently arrive (true once every channel is subscribed, false while
   * disconnected; Lettuce resubscribes after a reconnect). Call again after a failed attempt
   * ({@code onListening} stayed false); calls while a subscription exists do nothing.
   */
  public void listen(Map<String, Consumer<String>> channels, Consumer<Boolean> onListening) {
    if (!subscribing.compareAndSet(false, true)) {
      return;
    }
    Map<String, Consumer<String>> handlers = Map.copyOf(channels);
    client
        .connectPubSubAsync(StringCodec.UTF8, uri)
        .whenComplete(
            (connection, error) -> {
              if (error != null) {
                subscribing.set(false);
                onListening.accept(false);
                return;
              }
              pubSub = connection;
              connection.addListener(
                  new RedisPubSubAdapter<String, String>() {
                    @Override
                    public void message(String from, String message) {
                      Consumer<String> handler = handlers.get(from);
                      if (handler != null) {
                        handler.accept(message);
                      }
                    }

                    @Override
                    public void subscribed(String to, long count) {
                      // Once per channel, again after each reconnect: listening means all of them.
                      if (count >= handlers.size()) {
                        onListening.accept(true);
                      }
                    }
                  });
              connection.addListener(
                  new RedisConnectionStateListener() {
                    @Override
                    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                      onListening.accept(false);
                    }
                  });
              connection.async().subscribe(handlers.keySet().toArray(String[]::new));
            });
  }

  @Override
  public void close() {
    StatefulRedisPubSubConnection<String, String> listening = pubSub;
    if (listening != null) {
      listening.closeAsync();
    }
    CompletableFuture<StatefulRedisConnection<String, byte[]>> current = pending.getAndSet(null);
    if (current != null) {
      current.thenAccept(StatefulRedisConnection::closeAsync);
    }
    client.shutdownAsync().whenComplete((done, error) -> timer.stop());
  }
}
