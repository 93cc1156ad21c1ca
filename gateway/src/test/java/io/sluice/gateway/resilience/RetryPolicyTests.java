package io.sluice.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

class RetryPolicyTests {

  final RetryPolicy policy =
      new RetryPolicy(
          new ResilienceProperties.Retry(
              2, Duration.ofMillis(100), Duration.ofMillis(300), 0.5, true));

  @Test
  void idempotentMethodsAreRetriedOnConnectFailuresResetsAnd502Or503() {
    for (HttpMethod method :
        new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE}) {
      assertThat(policy.shouldRetry(method, UpstreamFailure.CONNECT, 0)).isTrue();
      assertThat(policy.shouldRetry(method, UpstreamFailure.RESET, 1)).isTrue();
      assertThat(policy.shouldRetry(method, HttpStatus.BAD_GATEWAY, 0)).isTrue();
      assertThat(policy.shouldRetry(method, HttpStatus.SERVICE_UNAVAILABLE, 0)).isTrue();
    }
  }

  @Test
  void postAndPatchAreRetriedOnlyWhenNothingWasSent() {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PATCH}) {
      assertThat(policy.shouldRetry(method, UpstreamFailure.CONNECT, 0)).isTrue();
      assertThat(policy.shouldRetry(method, UpstreamFailure.RESET, 0)).isFalse();
      assertThat(policy.shouldRetry(method, HttpStatus.SERVICE_UNAVAILABLE, 0)).isFalse();
      assertThat(policy.mayRetryAfterSending(method)).isFalse();
    }
  }

  @Test
  void timeoutsOtherStatusesAndClientErrorsAreNotRetried() {
    assertThat(policy.shouldRetry(HttpMethod.GET, UpstreamFailure.TIMEOUT, 0)).isFalse();
    assertThat(policy.shouldRetry(HttpMethod.GET, UpstreamFailure.CLIENT, 0)).isFalse();
    assertThat(policy.shouldRetry(HttpMethod.GET, HttpStatus.INTERNAL_SERVER_ERROR, 0)).isFalse();
    assertThat(policy.shouldRetry(HttpMethod.GET, HttpStatus.GATEWAY_TIMEOUT, 0)).isFalse();
  }

  @Test
  void atMostMaxRetries() {
    assertThat(policy.shouldRetry(HttpMethod.GET, UpstreamFailure.CONNECT, 2)).isFalse();
    assertThat(policy.shouldRetry(HttpMethod.GET, HttpStatus.SERVICE_UNAVAILABLE, 2)).isFalse();
  }

  @Test
  void backoffDoublesWithJitterAndIsCapped() {
    for (int i = 0; i < 200; i++) {
      assertThat(policy.backoff(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
      assertThat(policy.backoff(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
      assertThat(policy.backoff(5)).isBetween(Duration.ofMillis(150), Duration.ofMillis(450));
    }
  }

  @Test
  void connectFailuresOfPostsCanBeExcludedFromRetries() {
    RetryPolicy strict =
        new RetryPolicy(
            new ResilienceProperties.Retry(
                2, Duration.ofMillis(100), Duration.ofMillis(300), 0.5, false));
    assertThat(strict.shouldRetry(HttpMethod.POST, UpstreamFailure.CONNECT, 0)).isFalse();
    assertThat(strict.shouldRetry(HttpMethod.GET, UpstreamFailure.CONNECT, 0)).isTrue();
  }
}
