package io.sluice.gateway.cache;

import java.time.Duration;
import java.util.List;

/**
 * A stored response: what the backend answered and when it stops being fresh, then usable for
 * stale-while-revalidate, then usable for stale-if-error. Times are epoch milliseconds, so every
 * replica reads the same ages.
 *
 * @param status the backend's status
 * @param headers the backend's end-to-end headers, without per-request ones ({@code Date}, {@code
 *     X-Request-Id}, rate-limit headers, hop-by-hop headers)
 * @param body the body; empty for HEAD and 204
 * @param storedAt when the response was received
 * @param freshUntil end of freshness
 * @param revalidateUntil end of the stale-while-revalidate window (at least {@code freshUntil})
 * @param staleUntil end of the stale-if-error window (at least {@code freshUntil})
 */
record CachedResponse(
    int status,
    List<Header> headers,
    byte[] body,
    long storedAt,
    long freshUntil,
    long revalidateUntil,
    long staleUntil) {

  CachedResponse {
    headers = List.copyOf(headers);
  }

  /** One header line. */
  record Header(String name, String value) {}

  boolean isFresh(long now) {
    return now < freshUntil;
  }

  boolean mayServeWhileRevalidating(long now) {
    return now < revalidateUntil;
  }

  boolean mayServeOnError(long now) {
    return now < staleUntil;
  }

  /** How long Redis keeps it: until the last moment it may be served. */
  Duration lifetime(long now) {
    return Duration.ofMillis(Math.max(1, Math.max(revalidateUntil, staleUntil) - now));
  }

  /** The {@code Age} header value: seconds since the backend produced it (RFC 9111 4.2.3). */
  long ageSeconds(long now) {
    return Math.max(0, (now - storedAt) / 1000);
  }

  /** The first value of {@code name}, case-insensitively, or {@code null}. */
  String header(String name) {
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(name)) {
        return header.value();
      }
    }
    return null;
  }

  /** The same response, fresh again as of {@code now} (after the backend confirmed it with 304). */
  CachedResponse refreshed(long now) {
    return new CachedResponse(
        status,
        headers,
        body,
        now,
        now + (freshUntil - storedAt),
        now + (revalidateUntil - storedAt),
        now + (staleUntil - storedAt));
  }
}
