package io.sluice.localstack;

import io.sluice.testsupport.TestPostgres;
import io.sluice.testsupport.TestRedis;
import io.sluice.testsupport.TestRedis.DedicatedRedis;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * PostgreSQL and Redis for the services: the same embedded servers the tests use (from
 * test-support), unless the contract variables ({@code DB_HOST}..., {@code REDIS_URL}) name
 * existing ones, which the services then read from the inherited environment.
 */
final class Infrastructure implements AutoCloseable {

  static final String DATABASE = "sluice";
  private static final String USER = "postgres";
  private static final String PASSWORD = "postgres";

  private final Map<String, String> userServiceEnvironment = new LinkedHashMap<>();
  private final Map<String, String> gatewayEnvironment = new LinkedHashMap<>();
  private EmbeddedPostgres postgres;
  private DedicatedRedis redis;
  private String postgresDescription;
  private String redisDescription;

  /** Starts whatever the settings do not take from outside; stops what it started on failure. */
  static Infrastructure start(LocalStackSettings settings, PrintStream out) {
    Infrastructure infrastructure = new Infrastructure();
    try {
      infrastructure.startPostgres(settings, out);
      infrastructure.startRedis(settings, out);
      return infrastructure;
    } catch (RuntimeException e) {
      infrastructure.close();
      throw e;
    }
  }

  private void startPostgres(LocalStackSettings settings, PrintStream out) {
    if (settings.externalDatabase()) {
      postgresDescription = "existing server from DB_HOST=" + System.getenv("DB_HOST");
      return;
    }
    int port = choosePort("PostgreSQL", settings.postgresPort(), "LOCAL_STACK_POSTGRES_PORT", out);
    long started = System.nanoTime();
    out.print("Starting embedded PostgreSQL on port " + port + " ... ");
    out.flush();
    postgres = TestPostgres.startEmbedded(port);
    createDatabase(postgres.getPort());
    out.println("ok" + Timing.since(started));
    userServiceEnvironment.put("DB_HOST", "127.0.0.1");
    userServiceEnvironment.put("DB_PORT", Integer.toString(postgres.getPort()));
    userServiceEnvironment.put("DB_NAME", DATABASE);
    userServiceEnvironment.put("DB_USER", USER);
    userServiceEnvironment.put("DB_PASSWORD", PASSWORD);
    postgresDescription =
        "postgresql://"
            + USER
            + ":"
            + PASSWORD
            + "@127.0.0.1:"
            + postgres.getPort()
            + "/"
            + DATABASE
            + " (embedded)";
  }

  private void startRedis(LocalStackSettings settings, PrintStream out) {
    if (settings.externalRedis()) {
      redisDescription = "existing server from REDIS_URL";
      return;
    }
    int port = choosePort("Redis", settings.redisPort(), "LOCAL_STACK_REDIS_PORT", out);
    long started = System.nanoTime();
    out.print("Starting embedded Redis on port " + port + " ... ");
    out.flush();
    redis = TestRedis.startDedicated(port);
    out.println("ok" + Timing.since(started));
    String url = "redis://127.0.0.1:" + port;
    gatewayEnvironment.put("REDIS_URL", url);
    redisDescription = url + " (embedded)";
  }

  /**
   * The requested port, or a free one when it is taken: an embedded server is private to this run,
   * so a PostgreSQL or Redis already on the default port should not stop the stack.
   */
  private static int choosePort(String what, int requested, String variable, PrintStream out) {
    if (requested != 0 && Ports.isFree(requested)) {
      return requested;
    }
    int port = Ports.anyFree();
    if (requested != 0) {
      out.println(
          "Port "
              + requested
              + " is taken, so the embedded "
              + what
              + " uses "
              + port
              + " (set "
              + variable
              + " to choose).");
    }
    return port;
  }

  private static void createDatabase(int port) {
    Properties credentials = new Properties();
    credentials.setProperty("user", USER);
    credentials.setProperty("password", PASSWORD);
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection connection = new org.postgresql.Driver().connect(url, credentials);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + DATABASE + ": " + e, e);
    }
  }

  /** Variables that point a user-service at this PostgreSQL (empty when external). */
  Map<String, String> userServiceEnvironment() {
    return Map.copyOf(userServiceEnvironment);
  }

  /** Variables that point the gateway at this Redis (empty when external). */
  Map<String, String> gatewayEnvironment() {
    return Map.copyOf(gatewayEnvironment);
  }

  String postgresDescription() {
    return postgresDescription;
  }

  String redisDescription() {
    return redisDescription;
  }

  /** Stops the embedded servers; the services must be gone first. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (redis != null) {
      try {
        redis.stop();
      } catch (RuntimeException e) {
        System.err.println("Could not stop the embedded Redis cleanly: " + e.getMessage());
      }
      redis = null;
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("Could not stop the embedded PostgreSQL cleanly: " + e.getMessage());
      }
      postgres = null;
    }
  }
}
