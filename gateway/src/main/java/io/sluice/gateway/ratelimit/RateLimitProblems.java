package io.sluice.gateway.ratelimit;

import io.sluice.gateway.system.GatewayProblemException;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** The problems a refused request becomes; rendered centrally like every gateway problem. */
final class RateLimitProblems {

  private RateLimitProblems() {}

  /** Over the limit: 429 with {@code Retry-After} in whole seconds until a token is available. */
  static GatewayProblemException exceeded(RateLimitDecision decision) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    return GatewayProblemException.withHeaders(
        HttpStatus.TOO_MANY_REQUESTS,
        "Rate limit exceeded; retry in " + decision.retryAfterSeconds() + " s.",
        headers);
  }

  /** Redis is unavailable and the degraded mode is fail-closed: 503 with {@code Retry-After}. */
  static GatewayProblemException unavailable(RateLimitDecision decision) {
    return GatewayProblemException.unavailable(
        "Rate limiting is unavailable and configured to fail closed.",
        Duration.ofNanos(decision.retryAfterMicros() * 1000),
        null);
  }
}
