package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.channel.EventLoop;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/** The proxy path against two healthy stub instances of user-service. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayProxyIntegrationTests {

  static final StubBackend first = StubBackend.start("first");

  static final StubBackend second = StubBackend.start("second");

  @LocalServerPort int port;

  @LocalManagementPort int managementPort;

  @Autowired LettuceConnectionFactory redisConnectionFactory;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", () -> first.uri() + "," + second.uri());
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("management.server.port", () -> "0");
    // Nothing listens there: the gateway must start and be ready without Redis.
    registry.add("sluice.redis.url", () -> "redis://:s3cret@127.0.0.1:1/3");
    registry.add("sluice.redis.command-timeout", () -> "750ms");
    // Failing calls in this class must not open the breaker for the others.
    registry.add("sluice.resilience.circuit-breaker.minimum-calls", () -> "1000");
    registry.add("sluice.resilience.circuit-breaker.sliding-window-size", () -> "1000");
  }

  @AfterAll
  static void stopBackends() {
    first.close();
    second.close();
  }

  WebTestClient client() {
    return Gateways.client(port);
  }

  static String unique(String prefix) {
    return "/api/users/" + prefix + "-" + UUID.randomUUID();
  }

  static StubBackend.Received lastReceived(String path) {
    return java.util.stream.Stream.concat(first.received().stream(), second.received().stream())
        .filter(r -> r.path().equals(path))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no backend received " + path));
  }

  /** Counts proxied requests whose upstream connection was on the client connection's loop. */
  static final class UpstreamLoopRecorder implements GlobalFilter, Ordered {

    /** Only this test's requests: another test's last exchange may end after the reset. */
    static final String PATH_PREFIX = "/api/users/loop-";

    final AtomicInteger sameLoop = new AtomicInteger();

    final AtomicInteger otherLoop = new AtomicInteger();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
      EventLoop server = LoopAffineRoutingFilter.serverLoop(exchange);
      // Once the response is written, Reactor Netty disposes of the handler: often a cancel.
      return chain.filter(exchange).doFinally(signal -> record(exchange, server));
    }

    private void record(ServerWebExchange exchange, EventLoop server) {
      Connection upstream = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
      boolean recorded = exchange.getRequest().getPath().value().startsWith(PATH_PREFIX);
      if (recorded && upstream != null && server != null) {
        (upstream.channel().eventLoop() == server ? sameLoop : otherLoop).incrementAndGet();
      }
    }

    @Override
    public int getOrder() {
      return WholeResponseWriteFilter.ORDER - 1;
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class RecordUpstreamLoops {
    @Bean
    UpstreamLoopRecorder upstreamLoopRecorder() {
      return new UpstreamLoopRecorder();
    }
  }

  @Autowired UpstreamLoopRecorder loopRecorder;

  @Autowired List<NettyRoutingFilter> routingFilters;

  @Test
  void eachUpstreamConnectionIsOnTheEventLoopOfItsClientConnection() {
    assertThat(routingFilters).singleElement().isInstanceOf(LoopAffineRoutingFilter.class);
    loopRecorder.sameLoop.set(0);
    loopRecorder.otherLoop.set(0);
    WebClient web =
        WebClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .defaultHeader("X-API-Key", Gateways.ADMIN_KEY)
            .build();
    // 16 concurrent client connections, which the server spreads over its event loops.
    Flux.range(0, 400)
        .flatMap(
            i -> web.get().uri(UpstreamLoopRecorder.PATH_PREFIX + i).retrieve().toBodilessEntity(),
            16)
        .blockLast(Duration.ofSeconds(30));
    // The recorder runs when the exchange ends, which may be just after the client has its answer.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (loopRecorder.sameLoop.get() + loopRecorder.otherLoop.get() < 400
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(loopRecorder.otherLoop.get()).isZero();
    assertThat(loopRecorder.sameLoop.get()).isEqualTo(400);
    assertThat(((LoopAffineRoutingFilter) routingFilters.get(0)).loops()).isGreaterThan(1);
  }

  @Test
  void getsAreSpreadRoundRobinOverBothInstances() {
    String path = unique("rr");
    for (int i = 0; i < 10; i++) {
      client().get().uri(path).exchange().expectStatus().isOk();
    }
    assertThat(first.count(path)).isEqualTo(5);
    assertThat(second.count(path)).isEqualTo(5);
  }

  @Test
  void theKeysRouteGoesToUserServiceToo() {
    client().get().uri("/api/keys").exchange().expectStatus().isOk();
    assertThat(first.count("/api/keys") + second.count("/api/keys")).isPositive();
  }

  @Test
  void aClientRequestIdIsSentToTheBackendAndEchoedOnce() {
    String path = unique("rid");
    assertThat(requestIdsEchoed(path, "client-id-123")).containsExactly("client-id-123");
    assertThat(lastReceived(path).headers().getAll("X-Request-Id"))
        .containsExactly("client-id-123");
  }

  @Test
  void aMissingRequestIdIsGeneratedAndTheSameOnBothSides() {
    String path = unique("rid-gen");
    List<String> echoed = requestIdsEchoed(path, null);
    assertThat(echoed).hasSize(1).allSatisfy(id -> assertThat(id).isNotBlank());
    assertThat(lastReceived(path).headers().getAll("X-Request-Id")).isEqualTo(echoed);
  }

  @Test
  void aMalformedRequestIdIsReplacedOnBothSidesByTheSameGeneratedOne() {
    String path = unique("rid-bad");
    List<String> echoed = requestIdsEchoed(path, "not ok;");
    assertThat(echoed).hasSize(1).doesNotContain("not ok;");
    assertThat(lastReceived(path).headers().getAll("X-Request-Id")).isEqualTo(echoed);
  }

  /** The X-Request-Id values of the response to a GET of {@code path}, sending {@code sent}. */
  private List<String> requestIdsEchoed(String path, String sent) {
    WebTestClient.RequestHeadersSpec<?> request = client().get().uri(path);
    if (sent != null) {
      request = request.header("X-Request-Id", sent);
    }
    return request
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(String.class)
        .getResponseHeaders()
        .get("X-Request-Id");
  }

  @Test
  void clientCredentialsNeverReachTheBackendButTheInternalTokenDoes() throws Exception {
    String path = unique("auth");
    client()
        .get()
        .uri(path)
        .header("Authorization", "Bearer forged.by.client")
        .exchange()
        .expectStatus()
        .isOk();
    StubBackend.Received received = lastReceived(path);
    assertThat(received.headers().getAll("Authorization")).hasSize(1);
    assertThat(received.headers().contains("X-API-Key")).isFalse();
    String authorization = received.headers().get("Authorization");
    assertThat(authorization).startsWith("Bearer ").doesNotContain("forged");
    SignedJWT jwt = SignedJWT.parse(authorization.substring("Bearer ".length()));
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    assertThat(jwt.verify(new MACVerifier(Gateways.SECRET.getBytes(StandardCharsets.UTF_8))))
        .isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("sluice-gateway");
    assertThat(claims.getAudience()).containsExactly("user-service");
    assertThat(claims.getSubject()).isEqualTo("admin");
    assertThat(claims.getStringClaim("plan")).isEqualTo("partner");
    assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write keys:admin");
    long lifetime =
        claims.getExpirationTime().toInstant().getEpochSecond()
            - claims.getIssueTime().toInstant().getEpochSecond();
    assertThat(lifetime).isEqualTo(30);
    assertThat(claims.getExpirationTime()).isInTheFuture();
  }

  @Test
  void forgedForwardedHeadersAreReplacedByWhatTheGatewaySaw() {
    String path = unique("fwd");
    client()
        .get()
        .uri(path)
        .header("X-Forwarded-For", "6.6.6.6")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .header("Forwarded", "for=6.6.6.6;proto=https")
        .exchange()
        .expectStatus()
        .isOk();
    StubBackend.Received received = lastReceived(path);
    assertThat(received.headers().getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
    assertThat(received.headers().get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(received.headers().get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + port);
    assertThat(received.headers().contains("Forwarded")).isFalse();
  }

  @Test
  void hopByHopHeadersAreNotForwarded() {
    String path = unique("hop");
    client()
        .get()
        .uri(path)
        .header("Connection", "keep-alive, X-Hop")
        .header("X-Hop", "drop me")
        .header("Keep-Alive", "timeout=5")
        .header("Proxy-Authorization", "Basic Zm9vOmJhcg==")
        .header("X-End-To-End", "keep me")
        .exchange()
        .expectStatus()
        .isOk();
    StubBackend.Received received = lastReceived(path);
    assertThat(received.headers().contains("X-Hop")).isFalse();
    assertThat(received.headers().contains("Keep-Alive")).isFalse();
    assertThat(received.headers().contains("Proxy-Authorization")).isFalse();
    assertThat(received.headers().get("X-End-To-End")).isEqualTo("keep me");
  }

  @Test
  void aW3cTraceparentContinuesTheClientsTrace() {
    String path = unique("trace");
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    client()
        .get()
        .uri(path)
        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
        .exchange()
        .expectStatus()
        .isOk();
    String forwarded = lastReceived(path).headers().get("traceparent");
    assertThat(forwarded).startsWith("00-" + traceId + "-");
    // The backend's parent is the gateway's span, not the client's.
    assertThat(forwarded)
        .doesNotContain("00f067aa0ba902b7")
        .matches("00-\\p{XDigit}{32}-\\p{XDigit}{16}-0[01]");
  }

  @Test
  void aRequestWithoutTraceparentStartsATraceTheBackendContinues() {
    String path = unique("trace-new");
    client().get().uri(path).exchange().expectStatus().isOk();
    assertThat(lastReceived(path).headers().get("traceparent"))
        .matches("00-\\p{XDigit}{32}-\\p{XDigit}{16}-0[01]");
  }

  @Test
  void unknownPathsGetA404Problem() {
    client()
        .get()
        .uri("/nowhere")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/not-found")
        .jsonPath("$.status")
        .isEqualTo(404)
        .jsonPath("$.instance")
        .isEqualTo("/nowhere")
        .jsonPath("$.requestId")
        .isNotEmpty();
  }

  @Test
  void actuatorIsNotReachableOnThePublicPort() {
    for (String path :
        List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/gateway")) {
      client()
          .get()
          .uri(path + "/routes".substring(0, path.endsWith("gateway") ? 7 : 0))
          .exchange()
          .expectStatus()
          .isNotFound()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
  }

  @Test
  void aMethodTheRouteDoesNotProxyGetsA405ProblemWithAllow() {
    client()
        .method(HttpMethod.valueOf("TRACE"))
        .uri("/api/users")
        .exchange()
        .expectStatus()
        .isEqualTo(405)
        .expectHeader()
        .valueEquals("Allow", "DELETE, GET, HEAD, PATCH, POST, PUT")
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/method-not-allowed");
  }

  @Test
  void aBodyAnnouncedOverTheLimitGetsA413ProblemWithoutReachingTheBackend() {
    String path = unique("big");
    client()
        .post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(new byte[1024 * 1024 + 1])
        .exchange()
        .expectStatus()
        .isEqualTo(413)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/payload-too-large");
    assertThat(first.count(path) + second.count(path)).isZero();
  }

  @Test
  void aChunkedBodyOverTheLimitGetsA413Problem() {
    client()
        .post()
        .uri(unique("big-chunked"))
        .contentType(MediaType.APPLICATION_JSON)
        .body(BodyInserters.fromDataBuffers(chunks(20, 64 * 1024)))
        .exchange()
        .expectStatus()
        .isEqualTo(413)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void aChunkedBodyUnderTheLimitIsProxiedWhole() {
    String path = unique("chunked");
    client()
        .post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .body(BodyInserters.fromDataBuffers(chunks(4, 1024)))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(lastReceived(path).body()).hasSize(4 * 1024);
  }

  static Flux<DataBuffer> chunks(int count, int size) {
    byte[] chunk = new byte[size];
    java.util.Arrays.fill(chunk, (byte) 'a');
    return Flux.range(0, count).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk));
  }

  @Test
  void oversizedHeadersGetA431Problem() {
    client()
        .get()
        .uri(unique("headers"))
        .header("X-Big", "x".repeat(9000))
        .exchange()
        .expectStatus()
        .isEqualTo(431)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/headers-too-large");
  }

  @Test
  void backendProblemResponsesPassThroughUntouched() {
    client()
        .get()
        .uri("/api/users/status/409")
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .json(
            "{\"type\":\"https://backend.example/problems/x\",\"title\":\"Backend\","
                + "\"status\":409,\"detail\":\"from the backend\"}",
            org.springframework.test.json.JsonCompareMode.STRICT);
  }

  @Test
  void aGetAnswered503IsRetriedOnTheOtherInstanceAtMostTwice() {
    String path = "/api/users/status/503?n=" + UUID.randomUUID();
    client().get().uri(path).exchange().expectStatus().isEqualTo(503);
    long firstCount = first.received().stream().filter(r -> r.path().equals(path)).count();
    long secondCount = second.received().stream().filter(r -> r.path().equals(path)).count();
    assertThat(firstCount + secondCount).isEqualTo(3);
    assertThat(firstCount).isPositive();
    assertThat(secondCount).isPositive();
  }

  @Test
  void aPostAnswered503IsNeverRetried() {
    String path = "/api/users/status/503?n=" + UUID.randomUUID();
    client()
        .post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"email\":\"a@example.com\"}")
        .exchange()
        .expectStatus()
        .isEqualTo(503);
    long attempts =
        java.util.stream.Stream.concat(first.received().stream(), second.received().stream())
            .filter(r -> r.path().equals(path))
            .count();
    assertThat(attempts).isEqualTo(1);
  }

  @Test
  void aPutAnswered502IsRetriedWithItsBody() {
    String path = "/api/users/status/502?n=" + UUID.randomUUID();
    client()
        .put()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\":\"Ada\"}")
        .exchange()
        .expectStatus()
        .isEqualTo(502);
    List<StubBackend.Received> attempts =
        java.util.stream.Stream.concat(first.received().stream(), second.received().stream())
            .filter(r -> r.path().equals(path))
            .toList();
    assertThat(attempts).hasSize(3).allMatch(r -> r.body().equals("{\"name\":\"Ada\"}"));
  }

  @Test
  void theManagementPortServesProbesAndMetricsAndReadinessIgnoresRedis() {
    WebTestClient management = Gateways.client(managementPort);
    management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    management
        .get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
    client().get().uri(unique("metrics")).exchange().expectStatus().isOk();
    String prometheus =
        management
            .get()
            .uri("/actuator/prometheus")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(prometheus)
        .contains("spring_cloud_gateway_requests_seconds")
        .contains("resilience4j_circuitbreaker_state")
        .contains("routeId=\"users\"");
  }

  @Test
  void theRedisUrlIsParsedIntoSpringDataRedisSettings() {
    assertThat(redisConnectionFactory.getStandaloneConfiguration().getDatabase()).isEqualTo(3);
    assertThat(redisConnectionFactory.getStandaloneConfiguration().getPassword().get())
        .containsExactly("s3cret".toCharArray());
    assertThat(redisConnectionFactory.getClientConfiguration().getCommandTimeout())
        .isEqualTo(Duration.ofMillis(750));
    assertThat(redisConnectionFactory.getClientConfiguration().isUseSsl()).isFalse();
  }
}
