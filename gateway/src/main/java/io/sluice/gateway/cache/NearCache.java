package io.sluice.gateway.cache;

import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The optional in-process layer in front of Redis ({@code sluice.cache.near-cache}). A replica
 * keeps the resource generations and fresh entries it read from Redis for at most {@code ttl}, and
 * forgets a resource when any replica publishes its invalidation. It answers only while its
 * subscription to invalidations is up: a replica that might miss them asks Redis.
 *
 * <p>A lookup that was in flight when an invalidation arrived must not teach the old generation
 * back: every lookup notes {@link #begin()} when it starts, and what it learnt is kept only if no
 * invalidation arrived since. What it learnt is aged from that start, not from its reply: a lookup
 * that saw a generation before a write replaced it started before the write's script ran, so its
 * entry expires no later than {@code ttl} after that, which is how long a writer waits for a
 * replica that does not confirm the invalidation ({@link InvalidationConfirmations}).
 */
final class NearCache {

  private final CacheProperties.NearCache settings;
  private final LongSupplier clockNanos;
  private final Map<String, Held<String>> generations = new ConcurrentHashMap<>();
  private final Map<String, Held<CachedResponse>> entries = new ConcurrentHashMap<>();
  private final AtomicLong invalidations = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean listening;

  NearCache(CacheProperties.NearCache settings, LongSupplier clockNanos) {
    this.settings = settings;
    this.clockNanos = clockNanos;
  }

  private record Held<T>(T value, long at) {}

  boolean enabled() {
    return settings.enabled();
  }

  /** Whether invalidations reach this replica; without them the layer stays silent. */
  void listening(boolean up) {
    if (up != listening) {
      clear();
    }
    listening = up;
  }

  /**
   * A lookup's start.
   *
   * @param epoch the number of invalidations seen when it started
   * @param startedNanos when it started
   */
  record Lookup(long epoch, long startedNanos) {}

  /** Notes a lookup's start, before it asks Redis. */
  Lookup begin() {
    return new Lookup(invalidations.get(), clockNanos.getAsLong());
  }

  /** The entry this replica holds for the request's variant, or {@code null}. */
  CachedResponse get(RequestKey key, String variant) {
    if (!settings.enabled() || !listening) {
      return null;
    }
    long now = clockNanos.getAsLong();
    Held<String> generation = generations.get(key.tag());
    if (generation == null || now - generation.at() > settings.ttl().toNanos()) {
      return null;
    }
    Held<CachedResponse> entry = entries.get(entryKey(key, generation.value(), variant));
    return entry == null || now - entry.at() > settings.ttl().toNanos() ? null : entry.value();
  }

  /** Keeps what {@code lookup} read from Redis. */
  void learn(
      Lookup lookup, RequestKey key, String generation, String variant, CachedResponse entry) {
    if (!settings.enabled() || !listening || invalidations.get() != lookup.epoch()) {
      return;
    }
    long size = entry == null ? 0 : entry.body().length;
    if (size > settings.maxBytes().toBytes()) {
      // Larger than the whole budget: only the generation is worth keeping.
      entry = null;
      size = 0;
    }
    if (entries.size() >= settings.maxEntries()
        || bytes.get() + size > settings.maxBytes().toBytes()) {
      // Bounded and cheap to refill from Redis.
      clear();
    }
    long at = lookup.startedNanos();
    generations.put(key.tag(), new Held<>(generation, at));
    if (entry != null) {
      Held<CachedResponse> replaced =
          entries.put(entryKey(key, generation, variant), new Held<>(entry, at));
      bytes.addAndGet(size - (replaced == null ? 0 : replaced.value().body().length));
    }
  }

  /** A resource changed: its entries are gone from this replica. */
  void forget(String tag) {
    invalidations.incrementAndGet();
    generations.remove(tag);
  }

  void clear() {
    invalidations.incrementAndGet();
    generations.clear();
    entries.clear();
    // Approximate under concurrent learning; it only decides when to start over.
    bytes.set(0);
  }

  private static String entryKey(RequestKey key, String generation, String variant) {
    return key.entryKey(generation, variant);
  }
}
