package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.NettyLeakDetection;
import io.sluice.gateway.support.ScriptedBackend;
import io.sluice.gateway.support.ScriptedBackend.Reply;
import io.sluice.testsupport.RedisCommands;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The cache with a Redis of its own that the tests kill and hang, and stale-while-revalidate's
 * background refresh. Lettuce's own command timeout is long (5 s) on purpose: a request that waited
 * for it instead of the cache's budget would show.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeakDetection.class)
class ResponseCacheRedisFailureIntegrationTests {

  static final ScriptedBackend backend = ScriptedBackend.start();
  static final TestRedis.DedicatedRedis redis = TestRedis.startDedicated();

  /** Far below Lettuce's 5 s, far above what a loaded test machine needs for a proxied request. */
  static final Duration ANSWERED_WITHIN = Duration.ofMillis(2500);

  /** The near cache's default TTL (the near cache is on by default). */
  static final Duration NEAR_TTL = Duration.ofSeconds(1);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", backend::uri);
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("sluice.redis.url", () -> redis.endpoint().uri());
    registry.add("sluice.redis.command-timeout", () -> "5s");
    registry.add("sluice.cache.redis-timeout", () -> "100ms");
    registry.add("sluice.cache.stale-while-revalidate", () -> "30s");
    registry.add("sluice.resilience.route-timeout", () -> "2s");
    registry.add("management.server.port", () -> "0");
  }

  @AfterAll
  static void stop() {
    backend.close();
    redis.stop();
  }

  WebTestClient client() {
    return Gateways.client(port);
  }

  EntityExchangeResult<String> get(String path) {
    return client().get().uri(path).exchange().expectBody(String.class).returnResult();
  }

  static String cache(EntityExchangeResult<?> result) {
    return result.getResponseHeaders().getFirst("X-Cache");
  }

  /** Requests until one is a HIT: caching came back by itself. */
  void awaitCachingAgain(String path) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if ("HIT".equals(cache(get(path)))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("caching did not resume within 30 s");
  }

  void assertBypassedQuickly(String path) {
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      EntityExchangeResult<String> result = get(path);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(result.getStatus().value()).isEqualTo(200);
      assertThat(cache(result)).isEqualTo("BYPASS");
      assertThat(took).isLessThan(ANSWERED_WITHIN);
    }
  }

  /**
   * While Redis is failing, a replica may answer hits from memory (quickly) until it notices its
   * subscription to invalidations is gone or what it learnt expires (the near cache's TTL); after
   * that it bypasses the cache.
   */
  void assertAnsweredFromMemoryAtMostForTheNearTtl(String path) {
    long memoryUntil = System.nanoTime() + NEAR_TTL.plusMillis(500).toNanos();
    String result = "HIT";
    while ("HIT".equals(result) && System.nanoTime() < memoryUntil) {
      long start = System.nanoTime();
      result = cache(get(path));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);
    }
    assertThat(result).isEqualTo("BYPASS");
  }

  @Test
  void aStaleEntryIsServedAtOnceAndRefreshedInTheBackground() throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    AtomicInteger version = new AtomicInteger();
    backend.on(
        path,
        request ->
            Reply.of(
                200,
                Map.of("Cache-Control", "max-age=1", "Content-Type", "text/plain"),
                "v" + version.get()));
    assertThat(get(path).getResponseBody()).isEqualTo("v0");
    version.set(1);
    Thread.sleep(1200);

    EntityExchangeResult<String> stale = get(path);
    assertThat(cache(stale)).isEqualTo("STALE");
    assertThat(stale.getResponseBody()).isEqualTo("v0");

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (backend.count("GET", path) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(backend.count("GET", path)).isEqualTo(2);
    Thread.sleep(300);
    EntityExchangeResult<String> refreshed = get(path);
    assertThat(cache(refreshed)).isEqualTo("HIT");
    assertThat(refreshed.getResponseBody()).isEqualTo("v1");
  }

  @Test
  void aStaleEntryAnswersForABackendThatTimesOut() throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    backend.on(path, request -> Reply.of(200, Map.of("ETag", "\"a\""), "v0"));
    get(path);
    // no-cache sends the cache to the backend even for a fresh entry; the backend now answers
    // only after the route timeout (2 s), so the gateway's 504 is replaced by the stored copy.
    backend.on(path, request -> Reply.of(200, Map.of(), "late").after(Duration.ofSeconds(4)));
    long start = System.nanoTime();
    EntityExchangeResult<String> stale =
        client()
            .get()
            .uri(path)
            .header("Cache-Control", "no-cache")
            .exchange()
            .expectBody(String.class)
            .returnResult();
    assertThat(stale.getStatus().value()).isEqualTo(200);
    assertThat(cache(stale)).isEqualTo("STALE");
    assertThat(stale.getResponseBody()).isEqualTo("v0");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aRequestMaxAgeRevalidatesOlderEntries() throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    get(path);
    Thread.sleep(2100);
    assertThat(cache(get(path))).isEqualTo("HIT");
    EntityExchangeResult<String> young =
        client()
            .get()
            .uri(path)
            .header("Cache-Control", "max-age=1")
            .exchange()
            .expectBody(String.class)
            .returnResult();
    assertThat(cache(young)).isEqualTo("HIT");
    assertThat(young.getResponseHeaders().getFirst("Age")).isEqualTo("0");
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }

  @Test
  void withRedisKilledRequestsBypassTheCacheQuicklyAndCachingResumesAfterItsReturn()
      throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    get(path);
    assertThat(cache(get(path))).isEqualTo("HIT");
    redis.stop();
    try {
      // Until the replica notices its subscription is gone.
      assertAnsweredFromMemoryAtMostForTheNearTtl(path);
      assertBypassedQuickly(path);
    } finally {
      redis.start();
    }
    awaitCachingAgain(path);
  }

  @Test
  void withRedisHungRequestsBypassTheCacheQuicklyAndCachingResumesAfterwards() throws Exception {
    String path = "/api/users/" + UUID.randomUUID();
    get(path);
    assertThat(cache(get(path))).isEqualTo("HIT");
    CompletableFuture<String> sleep =
        CompletableFuture.supplyAsync(
            () -> RedisCommands.run(redis.endpoint(), "DEBUG", "SLEEP", "6"));
    Thread.sleep(200);
    // A hung Redis still holds the near cache's subscription open.
    assertAnsweredFromMemoryAtMostForTheNearTtl(path);
    assertBypassedQuickly(path);
    sleep.get();
    awaitCachingAgain(path);
  }
}
