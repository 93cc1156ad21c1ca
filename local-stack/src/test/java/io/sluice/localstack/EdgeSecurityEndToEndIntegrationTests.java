package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.testsupport.Database;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestPostgres;
import io.sluice.testsupport.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys, shared limits and the shared response cache end to end: the real user-service on a real
 * PostgreSQL, and two gateway replicas sharing one real Redis, each a separate process started from
 * the built jars.
 */
class EdgeSecurityEndToEndIntegrationTests {

  private static final String SECRET = "e2e-internal-secret-0123456789abcdef";
  private static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
  private static final Duration STARTUP = Duration.ofMinutes(4);
  private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"(sk_live_[0-9A-Za-z]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static JarProcess userService;
  private static JarProcess gatewayA;
  private static JarProcess gatewayB;
  private static int userServicePort;
  private static String gatewayAUrl;
  private static String gatewayBUrl;

  @BeforeAll
  static void startServices() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path gatewayJar = root.resolve("gateway/target/gateway.jar");
    Path userServiceJar = root.resolve("user-service/target/user-service.jar");
    assumeTrue(
        Files.isRegularFile(gatewayJar) && Files.isRegularFile(userServiceJar),
        "skipped: build the service jars first (./mvnw -B -q -DskipTests package)");
    Database db = TestPostgres.freshDatabase("e2e");
    RedisEndpoint redis = TestRedis.freshEndpoint();

    userServicePort = JarProcess.freePort();
    int userServiceManagement = JarProcess.freePort();
    Map<String, String> userEnv = new HashMap<>();
    userEnv.put("SERVER_PORT", Integer.toString(userServicePort));
    userEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(userServiceManagement));
    userEnv.put("DB_HOST", db.host());
    userEnv.put("DB_PORT", Integer.toString(db.port()));
    userEnv.put("DB_NAME", db.name());
    userEnv.put("DB_USER", db.username());
    userEnv.put("DB_PASSWORD", db.password());
    userEnv.put("INTERNAL_AUTH_SECRET", SECRET);
    userEnv.put("SLUICE_API_KEYS_PLANS", "free,standard,partner,tiny");
    userService = JarProcess.start("user-service", userServiceJar, userEnv, List.of());

    // "tiny" allows 6 requests a minute: exact counts, whatever the machine's speed. The Redis
    // budget is raised because this test is about sharing one limit, not about the 50 ms budget
    // (the degraded path has tests of its own): a loaded CI host must not fall back to local.
    List<String> tinyPlan =
        List.of(
            "--sluice.rate-limit.plans.tiny.minute.limit=6",
            "--sluice.rate-limit.plans.tiny.minute.window=1m",
            "--sluice.rate-limit.redis-timeout=2s",
            "--sluice.cache.redis-timeout=1s");
    int[] ports = {
      JarProcess.freePort(), JarProcess.freePort(), JarProcess.freePort(), JarProcess.freePort()
    };
    gatewayA =
        JarProcess.start("gateway-a", gatewayJar, gatewayEnv(ports[0], ports[1], redis), tinyPlan);
    gatewayB =
        JarProcess.start("gateway-b", gatewayJar, gatewayEnv(ports[2], ports[3], redis), tinyPlan);
    gatewayAUrl = "http://127.0.0.1:" + ports[0];
    gatewayBUrl = "http://127.0.0.1:" + ports[2];
    userService.awaitReady(userServiceManagement, STARTUP);
    gatewayA.awaitReady(ports[1], STARTUP);
    gatewayB.awaitReady(ports[3], STARTUP);
  }

  private static Map<String, String> gatewayEnv(int port, int management, RedisEndpoint redis) {
    Map<String, String> env = new HashMap<>();
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("MANAGEMENT_SERVER_PORT", Integer.toString(management));
    env.put("REDIS_URL", redis.uri());
    env.put("USER_SERVICE_URIS", "http://127.0.0.1:" + userServicePort);
    env.put("ADMIN_API_KEY", ADMIN_KEY);
    env.put("INTERNAL_AUTH_SECRET", SECRET);
    return env;
  }

  @AfterAll
  static void stopServices() throws Exception {
    for (JarProcess process : new JarProcess[] {gatewayA, gatewayB, userService}) {
      if (process != null) {
        process.close();
      }
    }
  }

  @Test
  void aKeyIsCreatedShownOnceListedWithoutMaterialUsedAndRefusedWithinFiveSecondsOfRevocation()
      throws Exception {
    HttpResponse<String> created =
        send(
            gatewayAUrl,
            "POST",
            "/api/keys",
            ADMIN_KEY,
            "{\"name\":\"e2e\",\"plan\":\"standard\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String key = find(KEY, created.body());
    String id = find(ID, created.body());

    HttpResponse<String> listed = send(gatewayAUrl, "GET", "/api/keys?limit=200", ADMIN_KEY, null);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.body()).contains(id).doesNotContain(key).doesNotContain("\"key\"");

    assertThat(send(gatewayAUrl, "GET", "/api/users?limit=1", key, null).statusCode())
        .isEqualTo(200);
    assertThat(send(gatewayBUrl, "GET", "/api/users?limit=1", key, null).statusCode())
        .isEqualTo(200);

    assertThat(send(gatewayBUrl, "DELETE", "/api/keys/" + id, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    long revoked = System.nanoTime();
    int statusA = 200;
    int statusB = 200;
    while ((statusA != 401 || statusB != 401)
        && System.nanoTime() - revoked < Duration.ofSeconds(10).toNanos()) {
      Thread.sleep(100);
      statusA = send(gatewayAUrl, "GET", "/api/users?limit=1", key, null).statusCode();
      statusB = send(gatewayBUrl, "GET", "/api/users?limit=1", key, null).statusCode();
    }
    assertThat(statusA).isEqualTo(401);
    assertThat(statusB).isEqualTo(401);
    assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aReadOnlyKeyMayReadButNotWriteAndOnlyTheAdministratorManagesKeys() throws Exception {
    String key =
        createKey("{\"name\":\"reader\",\"plan\":\"standard\",\"scopes\":[\"users:read\"]}");
    assertThat(send(gatewayAUrl, "GET", "/api/users?limit=1", key, null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> write =
        send(
            gatewayAUrl, "POST", "/api/users", key, "{\"email\":\"r@example.com\",\"name\":\"R\"}");
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(send(gatewayAUrl, "GET", "/api/keys", key, null).statusCode()).isEqualTo(403);
    assertThat(
            send(gatewayAUrl, "POST", "/api/keys", ADMIN_KEY, "{\"name\":\"x\",\"plan\":\"gold\"}")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void userServiceRefusesCallsThatDidNotComeThroughTheGateway() throws Exception {
    String direct = "http://127.0.0.1:" + userServicePort;
    assertThat(send(direct, "GET", "/api/users", null, null).statusCode()).isEqualTo(401);
    assertThat(send(direct, "GET", "/api/users", ADMIN_KEY, null).statusCode()).isEqualTo(401);
  }

  @Test
  void twoGatewayReplicasEnforceOneSharedLimitPerKey() throws Exception {
    String key = createKey("{\"name\":\"tiny\",\"plan\":\"tiny\"}");
    int admitted = 0;
    int refused = 0;
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> response =
          send(i % 2 == 0 ? gatewayAUrl : gatewayBUrl, "GET", "/api/users?limit=1", key, null);
      if (response.statusCode() == 200) {
        admitted++;
        assertThat(response.headers().firstValue("RateLimit-Policy"))
            .hasValue("\"minute\";q=6;w=60");
      } else {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        refused++;
      }
    }
    // Each replica alone would admit 6; together they admit 6 (one more if a token refilled).
    assertThat(admitted).isBetween(6, 7);
    assertThat(refused).isEqualTo(12 - admitted);
  }

  @Test
  void aWriteThroughOneReplicaIsSeenByTheNextReadThroughTheOther() throws Exception {
    String key = createKey("{\"name\":\"cache\",\"plan\":\"standard\"}");
    String email = "cache-" + System.nanoTime() + "@example.com";
    HttpResponse<String> created =
        send(
            gatewayAUrl,
            "POST",
            "/api/users",
            key,
            "{\"email\":\"" + email + "\",\"name\":\"Ada\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String item = "/api/users/" + find(ID, created.body());
    String list = "/api/users?email=" + email;

    assertThat(cacheOf(send(gatewayBUrl, "GET", item, key, null))).isEqualTo("MISS");
    HttpResponse<String> hit = send(gatewayBUrl, "GET", item, key, null);
    assertThat(cacheOf(hit)).isEqualTo("HIT");
    assertThat(hit.headers().firstValue("Age")).isPresent();
    assertThat(hit.headers().firstValue("ETag")).hasValue("\"0\"");
    assertThat(send(gatewayBUrl, "GET", list, key, null).body()).contains("\"Ada\"");
    assertThat(cacheOf(send(gatewayBUrl, "GET", list, key, null))).isEqualTo("HIT");

    HttpResponse<String> patched =
        send(
            gatewayAUrl,
            "PATCH",
            item,
            key,
            "{\"name\":\"Ada King\"}",
            "application/merge-patch+json");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

    HttpResponse<String> reread = send(gatewayBUrl, "GET", item, key, null);
    assertThat(cacheOf(reread)).isEqualTo("MISS");
    assertThat(reread.body()).contains("\"Ada King\"");
    HttpResponse<String> relisted = send(gatewayBUrl, "GET", list, key, null);
    assertThat(cacheOf(relisted)).isEqualTo("MISS");
    assertThat(relisted.body()).contains("\"Ada King\"");

    assertThat(send(gatewayAUrl, "DELETE", item, key, null).statusCode()).isEqualTo(204);
    assertThat(send(gatewayBUrl, "GET", item, key, null).statusCode()).isEqualTo(404);
  }

  private static String cacheOf(HttpResponse<?> response) {
    return response.headers().firstValue("X-Cache").orElse("(none)");
  }

  private static String createKey(String body) throws Exception {
    HttpResponse<String> created = send(gatewayAUrl, "POST", "/api/keys", ADMIN_KEY, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return find(KEY, created.body());
  }

  private static HttpResponse<String> send(
      String base, String method, String path, String apiKey, String json) throws Exception {
    return send(base, method, path, apiKey, json, "application/json");
  }

  private static HttpResponse<String> send(
      String base, String method, String path, String apiKey, String json, String contentType)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    if (json != null) {
      request.header("Content-Type", contentType);
      request.method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String find(Pattern pattern, String body) {
    Matcher matcher = pattern.matcher(body);
    assertThat(matcher.find()).as(body).isTrue();
    return matcher.group(1);
  }
}
