package io.sluice.common.http;

/** Names of the HTTP headers that are part of Sluice's public and internal contract. */
public final class SluiceHeaders {

  /** Correlates one request across the gateway, the services and their logs. */
  public static final String REQUEST_ID = "X-Request-Id";

  /** The caller's API key; only accepted in this header, never in a query string. */
  public static final String API_KEY = "X-API-Key";

  /**
   * Cache outcome on cache-enabled routes: {@code HIT}, {@code MISS}, {@code STALE} or {@code
   * BYPASS}.
   */
  public static final String CACHE = "X-Cache";

  /**
   * IETF httpapi rate limit policy header.
   *
   * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/">RateLimit
   *     header fields for HTTP</a>
   */
  public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";

  /** IETF httpapi rate limit state header. */
  public static final String RATE_LIMIT = "RateLimit";

  /** Legacy rate limit headers many clients still read. */
  public static final String X_RATE_LIMIT_LIMIT = "X-RateLimit-Limit";

  public static final String X_RATE_LIMIT_REMAINING = "X-RateLimit-Remaining";

  public static final String X_RATE_LIMIT_RESET = "X-RateLimit-Reset";

  private SluiceHeaders() {}
}
