package io.sluice.gateway.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * What a shared cache may store (RFC 9111 3 and 5.2.2), and for how long. Conservative where the
 * RFC allows a choice: a response with {@code no-cache}, {@code private}, {@code no-store}, {@code
 * Set-Cookie} or {@code Vary: *} is never stored, and only the statuses the route caches are.
 */
final class StorageRules {

  /** Statuses stored: heuristically cacheable ones (RFC 9110 15.1) the gateway serves. */
  static final Set<Integer> STORABLE_STATUSES = Set.of(200, 203, 204, 300, 301, 404);

  /** Response headers never stored: per-request, per-connection or the gateway's own. */
  private static final Set<String> NOT_STORED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "proxy-authenticate",
          "date",
          "age",
          "set-cookie",
          "x-request-id",
          "x-cache",
          "retry-after",
          "ratelimit",
          "ratelimit-policy",
          "x-ratelimit-limit",
          "x-ratelimit-remaining",
          "x-ratelimit-reset",
          "traceparent",
          "tracestate");

  private static final List<MediaType> STREAMING =
      List.of(
          MediaType.TEXT_EVENT_STREAM,
          MediaType.APPLICATION_NDJSON,
          MediaType.parseMediaType("application/stream+json"));

  private StorageRules() {}

  /**
   * The decision for one response.
   *
   * @param freshness how long it is fresh
   * @param staleAllowed whether it may be served stale (not with {@code must-revalidate}, {@code
   *     proxy-revalidate} or {@code s-maxage})
   * @param partitioning how its variants are told apart
   */
  record Storable(Duration freshness, boolean staleAllowed, Partitioning partitioning) {}

  /** How to store the response, or {@code null} when it must not be stored. */
  static Storable decide(HttpMethod method, int status, HttpHeaders headers, CachePolicy policy) {
    if (!STORABLE_STATUSES.contains(status)) {
      return null;
    }
    CacheDirectives directives = CacheDirectives.of(headers);
    if (directives.has("no-store") || directives.has("private") || directives.has("no-cache")) {
      return null;
    }
    if (headers.containsHeader(HttpHeaders.SET_COOKIE)) {
      return null;
    }
    List<String> vary = varyNames(headers);
    if (vary.contains("*") || isStreaming(headers)) {
      return null;
    }
    long length = headers.getContentLength();
    if (method != HttpMethod.HEAD && length > policy.maxBodyBytes()) {
      return null;
    }
    Duration freshness = status == 404 ? min(policy.notFoundTtl(), policy.ttl()) : policy.ttl();
    long sharedMaxAge = directives.seconds("s-maxage");
    long maxAge = directives.seconds("max-age");
    if (sharedMaxAge >= 0) {
      freshness = min(freshness, Duration.ofSeconds(sharedMaxAge));
    } else if (maxAge >= 0) {
      freshness = min(freshness, Duration.ofSeconds(maxAge));
    }
    if (freshness.isZero() || freshness.isNegative()) {
      return null;
    }
    boolean shareable = directives.has("public") || sharedMaxAge >= 0;
    boolean byCaller = vary.remove("authorization") | vary.remove("x-api-key");
    boolean staleAllowed =
        !directives.has("must-revalidate")
            && !directives.has("proxy-revalidate")
            && sharedMaxAge < 0;
    return new Storable(freshness, staleAllowed, new Partitioning(!shareable, byCaller, vary));
  }

  /** The end-to-end headers of a response worth storing, in order. */
  static List<CachedResponse.Header> storedHeaders(HttpHeaders headers, boolean keepLength) {
    List<CachedResponse.Header> stored = new ArrayList<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (NOT_STORED.contains(lower) || (!keepLength && lower.equals("content-length"))) {
            return;
          }
          for (String value : values) {
            stored.add(new CachedResponse.Header(name, value));
          }
        });
    return stored;
  }

  private static List<String> varyNames(HttpHeaders headers) {
    List<String> names = new ArrayList<>();
    for (String value : headers.getOrEmpty(HttpHeaders.VARY)) {
      for (String name : value.split(",")) {
        String trimmed = name.trim().toLowerCase(Locale.ROOT);
        if (!trimmed.isEmpty() && !names.contains(trimmed)) {
          names.add(trimmed);
        }
      }
    }
    return names;
  }

  private static boolean isStreaming(HttpHeaders headers) {
    try {
      MediaType type = headers.getContentType();
      return type != null && STREAMING.stream().anyMatch(s -> s.isCompatibleWith(type));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
