package io.sluice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import redis.embedded.RedisServer;

/**
 * A real Redis for tests: the server named by {@code TEST_REDIS_URL} when set ({@code
 * redis://[:password@]host:port}), otherwise an embedded server started once per JVM. Every caller
 * of {@link #freshEndpoint} gets a logical database emptied for it; test classes run one after
 * another, so cycling through databases 1..15 keeps them apart.
 */
public final class TestRedis {

  /** Environment variable naming an existing server to use instead of the embedded one. */
  public static final String ENV = "TEST_REDIS_URL";

  private static final AtomicInteger NEXT_DATABASE = new AtomicInteger();
  private static RedisEndpoint server;

  private TestRedis() {}

  /** The shared server (database 0), started on first use. */
  public static synchronized RedisEndpoint server() {
    if (server == null) {
      String url = System.getenv(ENV);
      server = url == null || url.isBlank() ? startShared() : parse(url);
    }
    return server;
  }

  /** A logical database on the shared server, flushed before it is handed out. */
  public static RedisEndpoint freshEndpoint() {
    RedisEndpoint shared = server();
    int database = 1 + Math.floorMod(NEXT_DATABASE.getAndIncrement(), 15);
    RedisEndpoint endpoint =
        new RedisEndpoint(shared.host(), shared.port(), shared.password(), database);
    RedisCommands.run(endpoint, "FLUSHDB");
    return endpoint;
  }

  /** Starts a Redis of the caller's own on a free port, for tests that stop, restart or hang it. */
  public static DedicatedRedis startDedicated() {
    return startDedicated(freePort());
  }

  /** Starts a Redis of the caller's own on {@code port}. */
  public static DedicatedRedis startDedicated(int port) {
    DedicatedRedis redis = new DedicatedRedis(port);
    redis.start();
    return redis;
  }

  private static RedisEndpoint startShared() {
    DedicatedRedis redis = startDedicated();
    Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "embedded-redis-shutdown"));
    return redis.endpoint();
  }

  static RedisEndpoint parse(String url) {
    URI uri = URI.create(url);
    String password = null;
    if (uri.getUserInfo() != null) {
      String info = uri.getUserInfo();
      password = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 6379;
    return new RedisEndpoint(uri.getHost(), port, password, 0);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An embedded Redis owned by one test or by the local stack. */
  public static final class DedicatedRedis implements AutoCloseable {
    private final int port;
    private RedisServer server;

    DedicatedRedis(int port) {
      this.port = port;
    }

    public int port() {
      return port;
    }

    public RedisEndpoint endpoint() {
      return new RedisEndpoint("127.0.0.1", port, null, 0);
    }

    /** Starts (or restarts, on the same port) the server. */
    public synchronized void start() {
      try {
        server =
            RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded Redis on port " + port, e);
      }
    }

    /** Stops the server, as a crash or a network cut would look to clients. */
    public synchronized void stop() {
      try {
        if (server != null && server.isActive()) {
          server.stop();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      stop();
    }
  }
}
