package io.sluice.gateway.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import io.sluice.gateway.security.ClientIdentity;
import io.sluice.gateway.system.RequestPathRedis;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The cache's decisions between the filter and Redis: finding a request's entry (resolving its
 * partitioning), single flight within this replica (in memory) and across replicas (a Redis lease
 * with polling waiters), storing, and invalidating. Every Redis call has a short budget and goes
 * through a circuit breaker, so a slow, hung or dead Redis costs a request tens of milliseconds
 * once and then nothing: the filter bypasses the cache until the breaker lets probes through.
 */
class ResponseCacheManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResponseCacheManager.class);

  private static final int MAX_REMEMBERED = 10_000;

  private final RedisResponseCacheStore store;
  private final CacheProperties properties;
  private final LongSupplier clockMillis;
  private final CircuitBreaker breaker;
  private final Map<String, Partitioning> partitionings = new ConcurrentHashMap<>();
  private final Map<String, Sinks.One<Optional<Fetched>>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Duration> pendingInvalidations = new ConcurrentHashMap<>();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
  private final Disposable retrier;
  private final NearCache near;
  // Made once, at startup: SecureRandom may block, which no event loop may.
  private final String replica = UUID.randomUUID().toString();
  private final AtomicLong owners = new AtomicLong();
  private final InvalidationConfirmations confirmations = new InvalidationConfirmations(replica);

  ResponseCacheManager(
      RedisResponseCacheStore store, CacheProperties properties, LongSupplier clockMillis) {
    this.store = store;
    this.properties = properties;
    this.clockMillis = clockMillis;
    this.near = new NearCache(properties.nearCache(), System::nanoTime);
    this.breaker = RequestPathRedis.circuitBreaker("response-cache-redis");
    listenForInvalidations();
    this.retrier =
        Flux.interval(Duration.ofSeconds(1))
            .onBackpressureDrop()
            .doOnNext(tick -> listenForInvalidations())
            .concatMap(tick -> retryInvalidations(), 1)
            .subscribe();
  }

  private void listenForInvalidations() {
    if (near.enabled()) {
      store.listen(
          this::invalidated, confirmations.channel(), confirmations::confirmed, near::listening);
    }
  }

  /** A notice from any replica (this one too): forget the resource, then tell its writer. */
  private void invalidated(String message) {
    InvalidationConfirmations.Notice notice = InvalidationConfirmations.Notice.parse(message);
    near.forget(notice.tag());
    if (notice.confirmTo() != null) {
      // Bounded by the connection's command timeout; a lost confirmation costs the writer a wait.
      store.publish(notice.confirmTo(), notice.sequence()).subscribe(receivers -> {}, error -> {});
    }
  }

  /**
   * The fresh entry this replica holds in memory for the request (near cache), without asking
   * Redis; {@code null} when it holds none, or the near cache is off or deaf.
   */
  CachedResponse nearHit(RequestKey key, HttpHeaders requestHeaders, ClientIdentity identity) {
    if (!near.enabled()) {
      return null;
    }
    Partitioning partitioning = partitionings.get(key.tag() + key.request());
    if (partitioning == null) {
      return null;
    }
    CachedResponse entry =
        near.get(key, CacheKeyGenerator.variant(partitioning, requestHeaders, identity));
    return entry != null && entry.isFresh(now()) ? entry : null;
  }

  /** A lease owner token unique to this replica and call. */
  String newLeaseOwner() {
    return replica + ":" + owners.incrementAndGet();
  }

  long now() {
    return clockMillis.getAsLong();
  }

  /** Whether Redis is considered down (lookups are skipped until the breaker probes again). */
  boolean degraded() {
    return breaker.getState() != CircuitBreaker.State.CLOSED;
  }

  /**
   * What the cache holds for a request.
   *
   * @param generation the resource's generation the lookup saw
   * @param variant the variant suffix for this request (empty while the partitioning is unknown)
   * @param partitioning how the request key's variants differ, or {@code null} when unknown
   * @param entry this request's entry, fresh or not, or {@code null}
   */
  record Found(
      String generation, String variant, Partitioning partitioning, CachedResponse entry) {}

  /**
   * A response one request fetched, offered to the requests waiting for it.
   *
   * @param entry the stored response
   * @param partitioning how its variants differ
   * @param variant the variant it was stored as
   */
  record Fetched(CachedResponse entry, Partitioning partitioning, String variant) {

    /** Whether a waiting request may be answered with it (it is that request's variant). */
    boolean answers(HttpHeaders requestHeaders, ClientIdentity identity) {
      return CacheKeyGenerator.variant(partitioning, requestHeaders, identity).equals(variant);
    }
  }

  /** Looks a request up; fails (the caller bypasses the cache) when Redis cannot answer in time. */
  Mono<Found> find(
      RequestKey key, HttpHeaders requestHeaders, ClientIdentity identity, CacheMetrics metrics) {
    if (pendingInvalidations.containsKey(key.tag())) {
      return Mono.error(new IllegalStateException("an invalidation of this resource is pending"));
    }
    NearCache.Lookup started = near.begin();
    String rememberedKey = key.tag() + key.request();
    Partitioning remembered = partitionings.get(rememberedKey);
    String guess =
        remembered == null ? "" : CacheKeyGenerator.variant(remembered, requestHeaders, identity);
    return guarded(store.lookup(key, guess), properties.redisTimeout(), metrics)
        .<Found>flatMap(
            lookup -> {
              if (lookup.primary() instanceof CachedResponse entry) {
                remember(rememberedKey, Partitioning.NONE);
                return Mono.just(new Found(lookup.generation(), "", Partitioning.NONE, entry));
              }
              if (!(lookup.primary() instanceof Partitioning partitioning)) {
                return Mono.just(new Found(lookup.generation(), guess, remembered, null));
              }
              remember(rememberedKey, partitioning);
              String variant = CacheKeyGenerator.variant(partitioning, requestHeaders, identity);
              if (variant.equals(guess)) {
                return Mono.just(
                    new Found(lookup.generation(), variant, partitioning, lookup.variant()));
              }
              return guarded(store.lookup(key, variant), properties.redisTimeout(), metrics)
                  .map(
                      second ->
                          new Found(second.generation(), variant, partitioning, second.variant()));
            })
        .doOnNext(
            found ->
                near.learn(
                    started,
                    key,
                    found.generation(),
                    found.variant(),
                    found.entry() != null && found.entry().isFresh(now()) ? found.entry() : null));
  }

  /** Joins the fetch already under way for {@code flightKey} in this replica, or leads one. */
  Flight flight(String flightKey) {
    Sinks.One<Optional<Fetched>> sink = Sinks.one();
    Sinks.One<Optional<Fetched>> existing = inFlight.putIfAbsent(flightKey, sink);
    return existing == null
        ? new Flight(flightKey, sink, true)
        : new Flight(flightKey, existing, false);
  }

  /** One fetch in this replica and the requests waiting for it. */
  final class Flight {
    private final String key;
    private final Sinks.One<Optional<Fetched>> sink;
    private final boolean leader;

    private Flight(String key, Sinks.One<Optional<Fetched>> sink, boolean leader) {
      this.key = key;
      this.sink = sink;
      this.leader = leader;
    }

    boolean leader() {
      return leader;
    }

    /** The leader's response; empty when it was not storable or did not come in time. */
    Mono<Optional<Fetched>> await() {
      return sink.asMono().timeout(properties.leaseTtl(), Mono.just(Optional.empty()));
    }

    /** Ends the flight (the first call wins); later requests start a new one. */
    void complete(Optional<Fetched> fetched) {
      inFlight.remove(key, sink);
      sink.tryEmitValue(fetched);
    }
  }

  /** Takes the cross-replica right to fetch; on any Redis trouble, the caller fetches alone. */
  Mono<Boolean> acquireLease(
      RequestKey key, String generation, String variant, String owner, CacheMetrics metrics) {
    return guarded(
            store.acquireLease(key, generation, variant, owner, properties.leaseTtl()),
            properties.redisTimeout(),
            metrics)
        .onErrorReturn(Boolean.TRUE);
  }

  /** Takes the lease only if Redis grants it; {@code false} on any trouble (background work). */
  Mono<Boolean> tryLease(
      RequestKey key, String generation, String variant, String owner, CacheMetrics metrics) {
    return guarded(
            store.acquireLease(key, generation, variant, owner, properties.leaseTtl()),
            properties.redisTimeout(),
            metrics)
        .onErrorReturn(Boolean.FALSE);
  }

  /**
   * What a request gets while another replica holds the lease: that replica's entry once stored, or
   * the lease itself once it was released or expired ({@code leased}), or neither after {@code
   * leaseTtl} (the caller fetches without a lease).
   */
  record Wait(CachedResponse entry, boolean leased) {}

  Mono<Wait> awaitOtherReplica(
      RequestKey key,
      Found found,
      HttpHeaders requestHeaders,
      ClientIdentity identity,
      String owner,
      CacheMetrics metrics) {
    long deadline = System.nanoTime() + properties.leaseTtl().toNanos();
    return poll(key, found, requestHeaders, identity, owner, metrics, deadline)
        .onErrorReturn(new Wait(null, false));
  }

  private Mono<Wait> poll(
      RequestKey key,
      Found found,
      HttpHeaders requestHeaders,
      ClientIdentity identity,
      String owner,
      CacheMetrics metrics,
      long deadline) {
    return Mono.delay(properties.leasePollInterval())
        .then(find(key, requestHeaders, identity, metrics))
        .flatMap(
            now -> {
              if (now.entry() != null && now.entry().isFresh(now())) {
                return Mono.just(new Wait(now.entry(), false));
              }
              return guarded(
                      store.acquireLease(
                          key, found.generation(), found.variant(), owner, properties.leaseTtl()),
                      properties.redisTimeout(),
                      metrics)
                  .flatMap(
                      leased -> {
                        if (leased) {
                          return Mono.just(new Wait(null, true));
                        }
                        if (System.nanoTime() >= deadline) {
                          return Mono.just(new Wait(null, false));
                        }
                        return poll(key, found, requestHeaders, identity, owner, metrics, deadline);
                      });
            });
  }

  /**
   * Stores an entry in the background (the response is already on its way to the client) and hands
   * the lease back.
   */
  void store(
      RequestKey key,
      Found found,
      String variant,
      Partitioning partitioning,
      CachedResponse entry,
      CachePolicy policy,
      String leaseOwner,
      CacheMetrics metrics) {
    remember(key.tag() + key.request(), partitioning);
    byte[] bytes = CacheEntryCodec.encode(entry);
    Mono<Void> write =
        store.store(
            key,
            found.generation(),
            variant,
            partitioning,
            bytes,
            entry.lifetime(now()),
            policy.generationTtl(),
            found.variant(),
            leaseOwner);
    guarded(write, properties.writeTimeout(), metrics)
        .doOnSuccess(
            done -> {
              metrics.stores.increment();
              metrics.storedBytes.increment(bytes.length);
            })
        .onErrorResume(error -> Mono.empty())
        .subscribe();
  }

  /** Hands a lease back without storing anything (the response was not storable). */
  void release(RequestKey key, Found found, String owner, CacheMetrics metrics) {
    guarded(
            store.releaseLease(key, found.generation(), found.variant(), owner),
            properties.writeTimeout(),
            metrics)
        .onErrorResume(error -> Mono.empty())
        .subscribe();
  }

  /**
   * Moves the resources a write changed to new generations. Never fails: when Redis cannot take it
   * now, the tags are kept and retried every second, and this replica bypasses the cache for them
   * until then.
   */
  Mono<Void> invalidate(Set<String> tags, CachePolicy policy, CacheMetrics metrics) {
    tags.forEach(near::forget);
    // The flux emits, and so starts waiting for confirmations, only once subscribed.
    return Flux.fromIterable(tags)
        .flatMap(tag -> invalidate(tag, confirmations.expect(tag), policy, metrics))
        .then();
  }

  /**
   * One resource: a new generation in Redis, then, when replicas hold entries in memory, their
   * confirmations that they dropped it (or the near cache's TTL, after which they hold none).
   */
  private Mono<Void> invalidate(
      String tag,
      InvalidationConfirmations.Pending pending,
      CachePolicy policy,
      CacheMetrics metrics) {
    return guarded(
            store.invalidate(tag, policy.generationTtl(), pending.notice()),
            properties.writeTimeout(),
            metrics)
        .doOnNext(receivers -> metrics.invalidations.increment())
        .onErrorResume(
            error -> {
              if (pendingInvalidations.size() < MAX_REMEMBERED) {
                pendingInvalidations.put(tag, policy.generationTtl());
              }
              return Mono.empty();
            })
        .flatMap(
            receivers ->
                receivers == 0
                    ? Mono.<Void>empty()
                    : pending
                        .await(receivers, properties.nearCache().ttl())
                        .doOnNext(
                            confirmed -> {
                              if (!confirmed) {
                                metrics.unconfirmed.increment();
                              }
                            })
                        .then())
        .doFinally(signal -> pending.abandon());
  }

  private Mono<Void> retryInvalidations() {
    if (pendingInvalidations.isEmpty() || breaker.getState() == CircuitBreaker.State.OPEN) {
      return Mono.empty();
    }
    return Flux.fromIterable(Map.copyOf(pendingInvalidations).entrySet())
        .concatMap(
            pending ->
                store
                    .invalidate(pending.getKey(), pending.getValue(), pending.getKey())
                    .timeout(properties.writeTimeout())
                    .doOnSuccess(done -> pendingInvalidations.remove(pending.getKey())))
        .then()
        .onErrorResume(error -> Mono.empty());
  }

  private void remember(String key, Partitioning partitioning) {
    if (partitionings.size() >= MAX_REMEMBERED) {
      // Bounded and cheap to rebuild: forgetting costs one extra lookup per request key.
      partitionings.clear();
    }
    partitionings.put(key, partitioning);
  }

  private <T> Mono<T> guarded(Mono<T> call, Duration timeout, CacheMetrics metrics) {
    return Mono.defer(
        () -> {
          if (!breaker.tryAcquirePermission()) {
            return Mono.error(new IllegalStateException("Redis circuit breaker open"));
          }
          long start = System.nanoTime();
          return store
              .bounded(call, timeout)
              .doOnSuccess(
                  value -> breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS))
              .doOnCancel(breaker::releasePermission)
              .doOnError(
                  error -> {
                    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
                    metrics.redisErrors.increment();
                    logDegraded(error);
                  });
        });
  }

  private void logDegraded(Throwable error) {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= properties.degradedLogInterval().toNanos()
        && lastLogNanos.compareAndSet(last, now)) {
      log.warn(
          "Response cache bypassed: Redis did not answer within its budget ({})", error.toString());
    }
  }

  @Override
  public void close() {
    retrier.dispose();
  }
}
