package io.sluice.gateway.resilience;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;

/**
 * Which attempts are retried and after how long. Retries are for failures another instance can
 * plausibly fix and that are safe to repeat: idempotent methods after connect failures, resets and
 * 502/503 answers; any method when the connection never opened (if configured). Backoff doubles
 * from {@code firstBackoff} up to {@code maxBackoff} with random jitter, so that a burst of failed
 * requests does not retry in lockstep.
 */
final class RetryPolicy {

  /** RFC 9110 idempotent methods the gateway proxies. */
  static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE);

  private final ResilienceProperties.Retry config;

  RetryPolicy(ResilienceProperties.Retry config) {
    this.config = config;
  }

  int maxRetries() {
    return config.maxRetries();
  }

  /** Whether a request with {@code method} may have its body replayed for a retry. */
  boolean mayRetryAfterSending(HttpMethod method) {
    return config.maxRetries() > 0 && IDEMPOTENT.contains(method);
  }

  boolean shouldRetry(HttpMethod method, UpstreamFailure failure, int retriesSoFar) {
    if (retriesSoFar >= config.maxRetries()) {
      return false;
    }
    return switch (failure) {
      case CONNECT -> IDEMPOTENT.contains(method) || config.connectFailureRetriesAnyMethod();
      case RESET -> IDEMPOTENT.contains(method);
      default -> false;
    };
  }

  boolean shouldRetry(HttpMethod method, HttpStatusCode status, int retriesSoFar) {
    return retriesSoFar < config.maxRetries()
        && (status.value() == 502 || status.value() == 503)
        && IDEMPOTENT.contains(method);
  }

  /** Backoff before retry number {@code retry} (1-based). */
  Duration backoff(int retry) {
    long base =
        Math.min(
            config.maxBackoff().toNanos(),
            config.firstBackoff().toNanos() << Math.min(retry - 1, 20));
    double spread = config.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofNanos(Math.max(0, (long) (base * (1 + spread))));
  }
}
