package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.GatewayApplication;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.ScriptedBackend;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The near cache on two replicas: hits from memory, dropped on every replica by a write. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NearCacheIntegrationTests {

  static final ScriptedBackend backend = ScriptedBackend.start();
  static final RedisEndpoint redis = TestRedis.freshEndpoint();
  static ConfigurableApplicationContext replicaB;

  static final Map<String, String> SETTINGS =
      Map.of(
          "sluice.routing.user-service-uris", backend.uri(),
          "sluice.security.internal-auth-secret", Gateways.SECRET,
          "sluice.redis.url", redis.uri(),
          "sluice.redis.command-timeout", "2s",
          "sluice.rate-limit.redis-timeout", "2s",
          "sluice.cache.redis-timeout", "1s",
          "sluice.cache.write-timeout", "2s",
          "sluice.cache.near-cache.enabled", "true",
          "sluice.cache.near-cache.ttl", "30s");

  @LocalServerPort int port;

  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    SETTINGS.forEach((name, value) -> registry.add(name, () -> value));
    registry.add("management.server.port", () -> "0");
  }

  @BeforeAll
  static void startReplicaB() {
    replicaB =
        new SpringApplicationBuilder(GatewayApplication.class)
            .properties("server.port=0", "management.server.port=0")
            .run(
                SETTINGS.entrySet().stream()
                    .map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new));
  }

  @AfterAll
  static void stop() {
    replicaB.close();
    backend.close();
  }

  static WebTestClient b() {
    return Gateways.client(
        replicaB.getEnvironment().getProperty("local.server.port", Integer.class));
  }

  static EntityExchangeResult<String> get(WebTestClient client, String path) {
    return client.get().uri(path).exchange().expectBody(String.class).returnResult();
  }

  double nearHits() {
    var counter = meters.find("sluice.cache.near.hits").tag("route", "users").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void repeatedReadsAreAnsweredFromMemoryAndAWriteOnAnotherReplicaDropsThem() throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    WebTestClient a = Gateways.client(port);
    assertThat(get(a, path).getResponseHeaders().getFirst("X-Cache")).isEqualTo("MISS");
    // The first hit goes to Redis and is remembered; the ones after it come from memory.
    get(a, path);
    double before = nearHits();
    EntityExchangeResult<String> fromMemory = get(a, path);
    assertThat(fromMemory.getResponseHeaders().getFirst("X-Cache")).isEqualTo("HIT");
    assertThat(nearHits()).isEqualTo(before + 1);

    b().put().uri(path).bodyValue("{}").exchange().expectStatus().isOk();

    // The invalidation travels by pub/sub: it is there within moments, not after the 30 s TTL.
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    String body = get(a, path).getResponseBody();
    while (!body.contains("\"version\":1") && System.nanoTime() < deadline) {
      Thread.sleep(10);
      body = get(a, path).getResponseBody();
    }
    assertThat(body).contains("\"version\":1");
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }
}
