package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RateLimitGatewayFilterFactoryTests {

  private final AtomicInteger forwarded = new AtomicInteger();

  /** The free plan: 2 requests per second, burst 3. */
  private static final RateLimitProperties.Limit FREE =
      new RateLimitProperties.Limit(2, Duration.ofSeconds(1), 3L);

  private RateLimitGatewayFilterFactory factory(boolean enabled) {
    return factory(enabled, FREE, exchange -> Mono.just(new RateLimitSubject("key-1", "free")));
  }

  /** The route filter, with no route limit, of an enabled limiter with {@code subjects}. */
  private GatewayFilter filter(RateLimitProperties.Limit free, RateLimitSubjectResolver subjects) {
    return factory(true, free, subjects).apply(new RateLimitGatewayFilterFactory.Config());
  }

  private RateLimitGatewayFilterFactory factory(
      boolean enabled, RateLimitProperties.Limit free, RateLimitSubjectResolver subjects) {
    Map<String, Map<String, RateLimitProperties.Limit>> plans = new LinkedHashMap<>();
    plans.put("free", Map.of("second", free));
    RateLimitProperties properties =
        new RateLimitProperties(
            enabled,
            RateLimitProperties.DegradedMode.LOCAL_FALLBACK,
            Duration.ofMillis(50),
            1,
            Duration.ofSeconds(10),
            plans);
    // The in-memory strategy stands in for Redis here: this test is about the filter's HTTP side.
    ResilientRateLimiter limiter =
        new ResilientRateLimiter(
            new LocalRateLimiterStore(),
            new LocalRateLimiterStore(),
            properties,
            new SimpleMeterRegistry());
    return new RateLimitGatewayFilterFactory(limiter, subjects, properties);
  }

  private MockServerWebExchange run(GatewayFilter filter) {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/api/users"));
    filter
        .filter(exchange, ex -> Mono.fromRunnable(forwarded::incrementAndGet))
        .onErrorResume(
            io.sluice.gateway.system.GatewayProblemException.class,
            e -> {
              exchange.getResponse().setStatusCode(e.getStatusCode());
              exchange.getResponse().getHeaders().addAll(e.getHeaders());
              return Mono.empty();
            })
        .as(StepVerifier::create)
        .verifyComplete();
    return exchange;
  }

  @Test
  void anAdmittedRequestCarriesTheIetfAndLegacyHeaders() {
    GatewayFilter filter = factory(true).apply(new RateLimitGatewayFilterFactory.Config());
    HttpHeaders headers = run(filter).getResponse().getHeaders();
    assertThat(forwarded).hasValue(1);
    assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"second\";q=3;w=1");
    assertThat(headers.getFirst("RateLimit")).matches("\"second\";r=2;t=1");
    assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("3");
    assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo("2");
    assertThat(headers.getFirst("X-RateLimit-Reset")).isEqualTo("1");
    assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isNull();
  }

  @Test
  void aRequestOverTheLimitIsRefusedWith429AndRetryAfterAndNeverForwarded() {
    GatewayFilter filter = factory(true).apply(new RateLimitGatewayFilterFactory.Config());
    for (int i = 0; i < 3; i++) {
      run(filter);
    }
    MockServerWebExchange refused = run(filter);
    assertThat(forwarded).hasValue(3);
    assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(refused.getResponse().getHeaders().getValuesAsList(HttpHeaders.RETRY_AFTER))
        .containsExactly("1");
    assertThat(refused.getResponse().getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("0");
  }

  @Test
  void aRouteLimitIsAddedToThePlanAndReportedAsItsOwnBucket() {
    RateLimitGatewayFilterFactory.Config config = new RateLimitGatewayFilterFactory.Config();
    config.setRouteId("users");
    config.setLimit(1);
    config.setWindow(Duration.ofMinutes(1));
    GatewayFilter filter = factory(true).apply(config);
    HttpHeaders headers = run(filter).getResponse().getHeaders();
    assertThat(headers.getFirst("RateLimit-Policy"))
        .isEqualTo("\"second\";q=3;w=1, \"route-users\";q=1;w=60");
    assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(run(filter).getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
  }

  @Test
  void aDisabledLimiterForwardsEverythingWithoutHeaders() {
    GatewayFilter filter = factory(false).apply(new RateLimitGatewayFilterFactory.Config());
    for (int i = 0; i < 10; i++) {
      assertThat(run(filter).getResponse().getHeaders().getFirst("RateLimit")).isNull();
    }
    assertThat(forwarded).hasValue(10);
  }

  @Test
  void requestsAdmittedFromTheLeaseCarryTheHeadersToo() {
    // 1,000/s leases batches of 100 (a tenth of a second's worth): the first request takes the
    // batch from the store, the next ones are decided from the lease in memory.
    GatewayFilter filter =
        filter(
            new RateLimitProperties.Limit(1000, Duration.ofSeconds(1), 1000L),
            exchange -> Mono.just(new RateLimitSubject("key-1", "free")));
    for (int i = 0; i < 5; i++) {
      HttpHeaders headers = run(filter).getResponse().getHeaders();
      assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"second\";q=1000;w=1");
      assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("1000");
    }
    assertThat(forwarded).hasValue(5);
  }

  @Test
  void aResolverAnsweringLaterIsAwaitedAndAnEmptyOneIsNotLimited() {
    GatewayFilter later =
        filter(
            FREE,
            exchange ->
                Mono.delay(Duration.ofMillis(5))
                    .map(ignored -> new RateLimitSubject("key-2", "free")));
    for (int i = 0; i < 3; i++) {
      assertThat(run(later).getResponse().getHeaders().getFirst("RateLimit")).isNotNull();
    }
    assertThat(run(later).getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

    GatewayFilter anonymous = filter(FREE, exchange -> Mono.empty());
    for (int i = 0; i < 5; i++) {
      assertThat(run(anonymous).getResponse().getHeaders().getFirst("RateLimit")).isNull();
    }
    assertThat(forwarded).hasValue(8);
  }
}
