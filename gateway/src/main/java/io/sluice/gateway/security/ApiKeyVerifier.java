package io.sluice.gateway.security;

import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Who an API key belongs to, answered from memory on the hot path. Answers from user-service are
 * kept for {@code cacheTtl} (at most 5 s, which bounds how late a revocation takes effect),
 * refreshed in the background once older than {@code refreshAfter}, and fetched once per key
 * however many requests wait for it (single flight). The bootstrap administrator key never leaves
 * the gateway.
 */
class ApiKeyVerifier {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyVerifier.class);

  private final ApiKeyLookup lookup;
  private final ApiKeyProperties properties;
  private final LongSupplier clockNanos;
  private final byte[] adminDigest;
  private final ClientIdentity admin;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, Mono<Optional<ClientIdentity>>> inFlight = new ConcurrentHashMap<>();

  ApiKeyVerifier(
      ApiKeyLookup lookup,
      ApiKeyProperties properties,
      String adminApiKey,
      ClientIdentity admin,
      LongSupplier clockNanos) {
    this.lookup = lookup;
    this.properties = properties;
    this.clockNanos = clockNanos;
    this.adminDigest =
        adminApiKey == null || adminApiKey.isEmpty() ? null : ApiKeyHash.digest(adminApiKey);
    this.admin = admin;
  }

  /** The administrator identity when {@code key} is the bootstrap key (constant-time compare). */
  Optional<ClientIdentity> administrator(String key) {
    return adminDigest != null && MessageDigest.isEqual(adminDigest, ApiKeyHash.digest(key))
        ? Optional.of(admin)
        : Optional.empty();
  }

  /**
   * A fresh enough positive answer from memory, without any I/O; starts a background refresh when
   * the answer is getting old.
   */
  Optional<ClientIdentity> cached(String keyHash) {
    Entry entry = cache.get(keyHash);
    long now = clockNanos.getAsLong();
    if (entry == null
        || entry.identity == null
        || now - entry.fetchedAt > properties.cacheTtl().toNanos()) {
      return Optional.empty();
    }
    if (now - entry.fetchedAt > properties.refreshAfter().toNanos()) {
      fetch(keyHash)
          .subscribe(
              identity -> {},
              error -> log.debug("Background refresh of an API key failed: {}", error.toString()));
    }
    return Optional.of(entry.identity);
  }

  /**
   * The key's identity, from memory when known (including "unknown key" for {@code negativeTtl}),
   * otherwise from user-service. Empty: unknown or revoked. Error: user-service did not answer.
   */
  Mono<ClientIdentity> verify(String keyHash) {
    Optional<ClientIdentity> hit = cached(keyHash);
    if (hit.isPresent()) {
      return Mono.just(hit.get());
    }
    Entry entry = cache.get(keyHash);
    if (entry != null
        && entry.identity == null
        && clockNanos.getAsLong() - entry.fetchedAt <= properties.negativeTtl().toNanos()) {
      return Mono.empty();
    }
    return fetch(keyHash).flatMap(Mono::justOrEmpty);
  }

  private Mono<Optional<ClientIdentity>> fetch(String keyHash) {
    return inFlight.computeIfAbsent(
        keyHash,
        hash ->
            lookup
                .find(hash)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .doOnNext(answer -> store(hash, answer.orElse(null)))
                .doFinally(signal -> inFlight.remove(hash))
                .cache());
  }

  private void store(String keyHash, ClientIdentity identity) {
    if (cache.size() >= properties.maxCached()) {
      // Crude but bounded: a flood of distinct keys empties the cache rather than growing it.
      cache.clear();
    }
    cache.put(keyHash, new Entry(identity, clockNanos.getAsLong()));
  }

  /** A remembered answer; {@code identity == null} means "unknown or revoked". */
  private record Entry(ClientIdentity identity, long fetchedAt) {}
}
