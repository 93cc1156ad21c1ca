package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.GatewayApplication;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.ScriptedBackend;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
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
import reactor.core.publisher.Mono;

/**
 * The near cache on two replicas: hits from memory, dropped on every replica by a write, whose
 * response waits until every replica that heard the invalidation confirmed it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NearCacheIntegrationTests {

  static final ScriptedBackend backend = ScriptedBackend.start();
  static final RedisEndpoint redis = TestRedis.freshEndpoint();
  static ConfigurableApplicationContext replicaB;

  /** Long enough that no test step outlives it by accident, short enough to be waited out once. */
  static final Duration NEAR_TTL = Duration.ofSeconds(3);

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
          "sluice.cache.near-cache.ttl", NEAR_TTL.toMillis() + "ms");

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
  void repeatedReadsAreAnsweredFromMemoryAndAWriteOnAnotherReplicaDropsThem() {
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

    // The write's response came after every replica confirmed it dropped the resource: the very
    // next read through A sees the new version, without waiting for the TTL.
    assertThat(get(a, path).getResponseBody()).contains("\"version\":1");
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }

  @Test
  void writesAndReadsAlternatingOnTwoReplicasNeverSeeAnOldVersion() {
    String path = "/api/users/" + UUID.randomUUID();
    WebTestClient a = Gateways.client(port);
    double unconfirmedBefore = unconfirmed();
    for (int version = 1; version <= 20; version++) {
      // Warm both replicas' memory, then write through one and read through the other at once.
      get(a, path);
      get(a, path);
      get(b(), path);
      get(b(), path);
      WebTestClient writer = version % 2 == 0 ? a : b();
      WebTestClient reader = version % 2 == 0 ? b() : a;
      writer.put().uri(path).bodyValue("{}").exchange().expectStatus().isOk();
      assertThat(get(reader, path).getResponseBody()).contains("\"version\":" + version);
    }
    assertThat(unconfirmed()).isEqualTo(unconfirmedBefore);
  }

  @Test
  void aWriteWaitsForTheConfirmationOfEveryReplicaThatHeardIt() {
    String path = "/api/users/" + UUID.randomUUID();
    // A first write, so that the measured one does not include the gateway's warm-up.
    writeMillis(path);
    double unconfirmedBefore = unconfirmed();
    // A third replica, slow to confirm: it answers each notice 500 ms late.
    try (Listener slow = Listener.confirmingAfter(Duration.ofMillis(500))) {
      long tookMillis = writeMillis(path);

      assertThat(slow.notices()).isPositive();
      assertThat(tookMillis).isGreaterThanOrEqualTo(500);
      // Confirmed, not waited out.
      assertThat(unconfirmed()).isEqualTo(unconfirmedBefore);
    }
  }

  @Test
  void aReplicaThatNeverConfirmsCostsTheWriterTheNearCacheTtl() {
    String path = "/api/users/" + UUID.randomUUID();
    writeMillis(path);
    double unconfirmedBefore = unconfirmed();
    try (Listener silent = Listener.confirmingAfter(null)) {
      long tookMillis = writeMillis(path);

      assertThat(silent.notices()).isPositive();
      // By then any entry the silent replica learnt before the write has expired by itself.
      assertThat(tookMillis).isGreaterThanOrEqualTo(NEAR_TTL.toMillis());
      assertThat(unconfirmed()).isGreaterThan(unconfirmedBefore);
    }
  }

  /** A PUT through this replica; how long it took, in milliseconds. */
  long writeMillis(String path) {
    long start = System.nanoTime();
    Gateways.client(port).put().uri(path).bodyValue("{}").exchange().expectStatus().isOk();
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  double unconfirmed() {
    var counter = meters.find("sluice.cache.near.unconfirmed").tag("route", "users").counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * Another subscriber to invalidation notices, standing in for a replica: it confirms each notice
   * after {@code delay}, or never ({@code null}).
   */
  static final class Listener implements AutoCloseable {

    private final RedisClient client = RedisClient.create(redis.uri());
    private final StatefulRedisPubSubConnection<String, String> subscription =
        client.connectPubSub();
    private final StatefulRedisConnection<String, String> commands = client.connect();
    private final AtomicInteger notices = new AtomicInteger();

    static Listener confirmingAfter(Duration delay) {
      return new Listener(delay);
    }

    private Listener(Duration delay) {
      subscription.addListener(
          new RedisPubSubAdapter<String, String>() {
            @Override
            public void message(String channel, String message) {
              notices.incrementAndGet();
              String[] parts = message.split(" ", 3);
              if (delay != null && parts.length == 3) {
                Mono.delay(delay)
                    .flatMap(
                        tick ->
                            commands
                                .reactive()
                                .publish(
                                    InvalidationConfirmations.CHANNEL_PREFIX + parts[0], parts[1]))
                    .subscribe();
              }
            }
          });
      subscription.sync().subscribe(RedisResponseCacheStore.INVALIDATIONS);
    }

    int notices() {
      return notices.get();
    }

    @Override
    public void close() {
      subscription.close();
      commands.close();
      client.shutdown();
    }
  }
}
