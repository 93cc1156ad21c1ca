package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.GatewayApplication;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.NettyLeakDetection;
import io.sluice.gateway.support.ScriptedBackend;
import io.sluice.gateway.support.ScriptedBackend.Reply;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The shared cache on two gateway replicas (A: this test's context, B: a second application) in
 * front of one scripted backend, with one real Redis between them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeakDetection.class)
class ResponseCacheIntegrationTests {

  static final ScriptedBackend backend = ScriptedBackend.start();
  static final RedisEndpoint redis = TestRedis.freshEndpoint();
  static ConfigurableApplicationContext replicaB;

  @LocalServerPort int port;

  @Autowired MeterRegistry meters;

  /** Settings both replicas share; generous Redis budgets, since the machine is shared. */
  static final Map<String, String> SETTINGS =
      Map.of(
          "sluice.routing.user-service-uris", backend.uri(),
          "sluice.security.internal-auth-secret", Gateways.SECRET,
          "sluice.redis.url", redis.uri(),
          "sluice.redis.command-timeout", "2s",
          "sluice.rate-limit.redis-timeout", "2s",
          "sluice.cache.redis-timeout", "1s",
          "sluice.cache.write-timeout", "2s",
          "sluice.cache.max-body-size", "4KB",
          "sluice.cache.stale-while-revalidate", "0s");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    SETTINGS.forEach((name, value) -> registry.add(name, () -> value));
    registry.add("management.server.port", () -> "0");
  }

  @BeforeAll
  static void startReplicaB() {
    String[] args =
        SETTINGS.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    replicaB =
        new SpringApplicationBuilder(GatewayApplication.class)
            .properties("server.port=0", "management.server.port=0")
            .run(args);
  }

  @AfterAll
  static void stop() {
    replicaB.close();
    backend.close();
  }

  WebTestClient a() {
    return Gateways.client(port);
  }

  static WebTestClient b() {
    return Gateways.client(
        replicaB.getEnvironment().getProperty("local.server.port", Integer.class));
  }

  static WebClient webClient(int port) {
    return WebClient.builder()
        .baseUrl("http://127.0.0.1:" + port)
        .defaultHeader("X-API-Key", Gateways.ADMIN_KEY)
        .build();
  }

  static String fresh() {
    return "/api/users/" + UUID.randomUUID();
  }

  static EntityExchangeResult<String> get(WebTestClient client, String uri, String... headers) {
    WebTestClient.RequestHeadersSpec<?> spec = client.get().uri(uri);
    for (int i = 0; i < headers.length; i += 2) {
      spec = spec.header(headers[i], headers[i + 1]);
    }
    return spec.exchange().expectBody(String.class).returnResult();
  }

  static String cache(EntityExchangeResult<?> result) {
    return result.getResponseHeaders().getFirst("X-Cache");
  }

  @Test
  void aMissIsStoredAndTheNextRequestIsAHitWithAgeAndTheSameBody() throws Exception {
    String path = fresh();
    EntityExchangeResult<String> miss = get(a(), path);
    assertThat(miss.getStatus().value()).isEqualTo(200);
    assertThat(cache(miss)).isEqualTo("MISS");
    Thread.sleep(1100);
    EntityExchangeResult<String> hit = get(a(), path);
    assertThat(cache(hit)).isEqualTo("HIT");
    assertThat(hit.getResponseBody()).isEqualTo(miss.getResponseBody());
    assertThat(hit.getResponseHeaders().getETag()).isEqualTo("\"0\"");
    assertThat(Long.parseLong(hit.getResponseHeaders().getFirst("Age"))).isGreaterThanOrEqualTo(1);
    assertThat(hit.getResponseHeaders().getFirst("X-Request-Id")).isNotBlank();
    assertThat(hit.getResponseHeaders().getFirst("RateLimit")).isNotBlank();
    assertThat(backend.count("GET", path)).isEqualTo(1);
  }

  @Test
  void theOtherReplicaHitsWhatOneReplicaStored() {
    String path = fresh();
    assertThat(cache(get(a(), path))).isEqualTo("MISS");
    assertThat(cache(get(b(), path))).isEqualTo("HIT");
    assertThat(backend.count("GET", path)).isEqualTo(1);
  }

  @Test
  void queryParameterOrderDoesNotSplitTheCacheButValuesDo() {
    String path = fresh();
    assertThat(cache(get(a(), path + "?a=1&b=2"))).isEqualTo("MISS");
    assertThat(cache(get(a(), path + "?b=2&a=1"))).isEqualTo("HIT");
    assertThat(cache(get(a(), path + "?b=3&a=1"))).isEqualTo("MISS");
  }

  @Test
  void responsesAreKeptApartByTheRequestHeadersTheirVaryNames() {
    String path = fresh();
    backend.on(
        path,
        request ->
            Reply.of(
                200,
                Map.of("Content-Type", "text/plain", "Vary", "Accept-Language"),
                "lang=" + request.requestHeaders().get("Accept-Language")));
    assertThat(cache(get(a(), path, "Accept-Language", "en"))).isEqualTo("MISS");
    EntityExchangeResult<String> german = get(a(), path, "Accept-Language", "de");
    assertThat(cache(german)).isEqualTo("MISS");
    assertThat(german.getResponseBody()).isEqualTo("lang=de");
    EntityExchangeResult<String> english = get(b(), path, "Accept-Language", "en");
    assertThat(cache(english)).isEqualTo("HIT");
    assertThat(english.getResponseBody()).isEqualTo("lang=en");
  }

  @Test
  void privateNoStoreAndServerErrorResponsesAreNeverStored() {
    for (Reply reply :
        List.of(
            Reply.of(200, Map.of("Cache-Control", "private"), "mine"),
            Reply.of(200, Map.of("Cache-Control", "no-store"), "secret"),
            Reply.of(200, Map.of("Set-Cookie", "session=1"), "cookie"),
            Reply.of(500, Map.of("Content-Type", "application/problem+json"), "{}"))) {
      String path = fresh();
      backend.on(path, request -> reply);
      assertThat(cache(get(a(), path))).isEqualTo("MISS");
      EntityExchangeResult<String> again = get(b(), path);
      assertThat(cache(again)).as("%s", reply).isEqualTo("MISS");
      assertThat(again.getResponseBody()).isEqualTo(reply.body());
      assertThat(backend.count("GET", path)).isEqualTo(2);
    }
  }

  @Test
  void aNotFoundIsCachedButACreateAtItsLocationInvalidatesIt() {
    String path = fresh();
    backend.on(path, request -> Reply.of(404, Map.of("Content-Type", "application/json"), "{}"));
    assertThat(get(a(), path).getStatus().value()).isEqualTo(404);
    assertThat(cache(get(b(), path))).isEqualTo("HIT");
    backend.on(
        "/api/users",
        request ->
            Reply.of(201, Map.of("Location", path, "Content-Type", "application/json"), "{}"));
    a().post().uri("/api/users").bodyValue("{}").exchange().expectStatus().isCreated();
    assertThat(cache(get(b(), path))).isEqualTo("MISS");
  }

  @Test
  void bodiesOverTheSizeLimitStreamThroughWhole() {
    String path = fresh();
    String big = "x".repeat(10_000);
    backend.on(path, request -> Reply.of(200, Map.of("Content-Type", "text/plain"), big));
    EntityExchangeResult<String> first = get(a(), path);
    assertThat(first.getResponseBody()).isEqualTo(big);
    EntityExchangeResult<String> second = get(a(), path);
    assertThat(cache(second)).isEqualTo("MISS");
    assertThat(second.getResponseBody()).isEqualTo(big);
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }

  @Test
  void aMatchingIfNoneMatchIsAnswered304FromTheCache() {
    String path = fresh();
    get(a(), path);
    a().get()
        .uri(path)
        .header(HttpHeaders.IF_NONE_MATCH, "W/\"0\"")
        .exchange()
        .expectStatus()
        .isNotModified()
        .expectHeader()
        .valueEquals("X-Cache", "HIT")
        .expectHeader()
        .valueEquals("ETag", "\"0\"");
    assertThat(backend.count("GET", path)).isEqualTo(1);
  }

  @Test
  void noCacheRevalidatesWithTheStoredEtagAndA304RefreshesTheEntry() {
    String path = fresh();
    get(a(), path);
    EntityExchangeResult<String> revalidated = get(a(), path, "Cache-Control", "no-cache");
    assertThat(revalidated.getStatus().value()).isEqualTo(200);
    assertThat(cache(revalidated)).isEqualTo("HIT");
    assertThat(revalidated.getResponseBody()).contains("\"version\":0");
    ScriptedBackend.Received conditional =
        backend.received().stream()
            .filter(r -> r.uri().equals(path))
            .reduce((x, y) -> y)
            .orElseThrow();
    assertThat(conditional.headers().get("If-None-Match")).isEqualTo("\"0\"");
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }

  @Test
  void aWriteThroughOneReplicaInvalidatesTheItemAndItsListsOnTheOther() {
    String item = "/api/users/" + UUID.randomUUID();
    String list = "/api/users?limit=5&cursor=" + UUID.randomUUID();
    backend.on(
        "/api/users",
        request -> Reply.of(200, Map.of("Content-Type", "application/json"), "{\"items\":[]}"));
    get(b(), item);
    get(b(), list);
    assertThat(cache(get(b(), item))).isEqualTo("HIT");
    assertThat(cache(get(b(), list))).isEqualTo("HIT");

    a().put().uri(item).bodyValue("{}").exchange().expectStatus().isOk();

    EntityExchangeResult<String> reread = get(b(), item);
    assertThat(cache(reread)).isEqualTo("MISS");
    assertThat(reread.getResponseBody()).contains("\"version\":1");
    assertThat(cache(get(b(), list))).isEqualTo("MISS");
  }

  @Test
  void aFailedWriteChangesNothingAndInvalidatesNothing() {
    String item = fresh();
    get(a(), item);
    backend.on(
        item,
        request -> {
          if (request.method().name().equals("PUT")) {
            return Reply.of(412, Map.of("Content-Type", "application/problem+json"), "{}");
          }
          return Reply.of(200, Map.of("ETag", "\"0\"", "Content-Type", "application/json"), "{}");
        });
    a().put().uri(item).bodyValue("{}").exchange().expectStatus().isEqualTo(412);
    assertThat(cache(get(b(), item))).isEqualTo("HIT");
  }

  @Test
  void fiftyConcurrentColdRequestsOnTwoReplicasMakeOneBackendCall() {
    String path = fresh();
    backend.on(
        path,
        request ->
            Reply.of(200, Map.of("Content-Type", "application/json"), "{\"slow\":true}")
                .after(Duration.ofMillis(400)));
    WebClient clientA = webClient(port);
    WebClient clientB =
        webClient(replicaB.getEnvironment().getProperty("local.server.port", Integer.class));
    List<String> results =
        Flux.range(0, 50)
            .flatMap(
                i ->
                    (i % 2 == 0 ? clientA : clientB)
                        .get()
                        .uri(path)
                        .exchangeToMono(
                            response ->
                                response
                                    .bodyToMono(String.class)
                                    .map(
                                        body ->
                                            response.statusCode().value()
                                                + " "
                                                + response.headers().header("X-Cache")
                                                + " "
                                                + body)),
                50)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(results).allMatch(r -> r.startsWith("200 ") && r.endsWith("{\"slow\":true}"));
    // A lookup that missed its Redis budget on a loaded machine bypasses the cache, and a bypass
    // goes to the backend by design; every other request shares the replicas' fetches, of which
    // there is one, or one per replica if their first lookups raced past the lease.
    long bypassed = results.stream().filter(r -> r.contains("[BYPASS]")).count();
    assertThat(bypassed).as("requests that bypassed the cache").isLessThan(25);
    assertThat(backend.count("GET", path)).isBetween(1L, 2L + bypassed);
  }

  @Test
  void aStaleEntryAnswersWhenTheBackendFails() throws Exception {
    String path = fresh();
    backend.on(
        path,
        request ->
            Reply.of(
                200, Map.of("Cache-Control", "max-age=1", "Content-Type", "text/plain"), "v1"));
    get(a(), path);
    Thread.sleep(1200);
    backend.on(path, request -> Reply.of(503, Map.of("Content-Type", "text/plain"), "down"));
    EntityExchangeResult<String> stale = get(b(), path);
    assertThat(stale.getStatus().value()).isEqualTo(200);
    assertThat(cache(stale)).isEqualTo("STALE");
    assertThat(stale.getResponseBody()).isEqualTo("v1");
  }

  @Test
  void headIsCachedApartFromGet() {
    String path = fresh();
    a().head()
        .uri(path)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("X-Cache", "MISS");
    a().head()
        .uri(path)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("X-Cache", "HIT");
    assertThat(cache(get(a(), path))).isEqualTo("MISS");
  }

  @Test
  void everyOutcomeIsCountedPerRoute() {
    double hits = count("sluice.cache.requests", "result", "hit");
    double misses = count("sluice.cache.requests", "result", "miss");
    double stores = count("sluice.cache.stores", null, null);
    double bytes = count("sluice.cache.stored.bytes", null, null);
    double invalidations = count("sluice.cache.invalidations", null, null);
    String path = fresh();
    get(a(), path);
    get(a(), path);
    a().delete().uri(path).exchange().expectStatus().isNoContent();
    assertThat(count("sluice.cache.requests", "result", "miss")).isEqualTo(misses + 1);
    assertThat(count("sluice.cache.requests", "result", "hit")).isEqualTo(hits + 1);
    // The store runs after the response went out; give it a moment.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (count("sluice.cache.stores", null, null) < stores + 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(count("sluice.cache.stores", null, null)).isGreaterThanOrEqualTo(stores + 1);
    assertThat(count("sluice.cache.stored.bytes", null, null)).isGreaterThan(bytes);
    // The item and its collection.
    assertThat(count("sluice.cache.invalidations", null, null)).isEqualTo(invalidations + 2);
  }

  private double count(String name, String tag, String value) {
    var search = meters.find(name).tag("route", "users");
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return search.counter() == null ? 0 : search.counter().count();
  }

  @Test
  void noStoreRequestsBypassTheCache() {
    String path = fresh();
    get(a(), path);
    assertThat(cache(get(a(), path, "Cache-Control", "no-store"))).isEqualTo("BYPASS");
    assertThat(backend.count("GET", path)).isEqualTo(2);
  }
}
