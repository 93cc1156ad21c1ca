package io.sluice.gateway.support;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A user-service stand-in on loopback that records what it receives. Paths under {@code
 * /api/users/}: {@code status/<code>} answers that status with a problem body, {@code slow/<ms>}
 * answers after a delay, {@code stall-body} sends headers and a first chunk and then nothing;
 * anything else answers 200 {@code {"instance":"<name>"}}. Echoes {@code X-Request-Id} like
 * user-service does. Stop and start it again on the same port to simulate a crash and a restart.
 */
public final class StubBackend implements AutoCloseable {

  /** What one request looked like on arrival. */
  public record Received(String method, String path, HttpHeaders headers, String body) {}

  private static final AttributeKey<Long> LAST_ANSWERED = AttributeKey.valueOf("lastAnswered");

  private final String name;

  private final Duration idleTimeout;

  private volatile DisposableServer server;

  private volatile int port;

  private final List<Received> received = new CopyOnWriteArrayList<>();

  private final AtomicInteger statusOverride = new AtomicInteger();

  private StubBackend(String name, Duration idleTimeout) {
    this.name = name;
    this.idleTimeout = idleTimeout;
  }

  public static StubBackend start(String name) {
    return start(name, null);
  }

  /**
   * A backend whose keep-alive connections expire after {@code idleTimeout} of idleness. A request
   * sent on an expired connection is reset unanswered: what a request crossing the backend's idle
   * close on the wire gets (or one sent into a flow a NAT has dropped). Closing instead would let
   * the gateway see the close in time on loopback nearly always, hiding a pool that reuses
   * connections for too long.
   */
  public static StubBackend start(String name, Duration idleTimeout) {
    StubBackend backend = new StubBackend(name, idleTimeout);
    backend.bind(0);
    return backend;
  }

  private void bind(int wanted) {
    server = HttpServer.create().host("127.0.0.1").port(wanted).handle(this::handle).bindNow();
    port = server.port();
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  public String name() {
    return name;
  }

  public List<Received> received() {
    return received;
  }

  public long count(String pathPrefix) {
    return received.stream().filter(r -> r.path().startsWith(pathPrefix)).count();
  }

  /** Makes every default request answer {@code status} (0 restores 200). */
  public void answerAll(int status) {
    statusOverride.set(status);
  }

  /** Crash: closes the listening socket and every open connection. */
  public void stop() {
    server.disposeNow(Duration.ofSeconds(2));
  }

  /** Comes back on the same port. */
  public void restart() {
    bind(port);
  }

  @Override
  public void close() {
    if (!server.isDisposed()) {
      stop();
    }
  }

  private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    Channel[] channel = new Channel[1];
    request.withConnection(connection -> channel[0] = connection.channel());
    if (idleTimeout != null) {
      Long lastAnswered = channel[0].attr(LAST_ANSWERED).get();
      if (lastAnswered != null && System.nanoTime() - lastAnswered > idleTimeout.toNanos()) {
        channel[0].config().setOption(ChannelOption.SO_LINGER, 0);
        channel[0].close();
        return Mono.empty();
      }
    }
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              String path = request.fullPath();
              received.add(
                  new Received(
                      request.method().name(),
                      request.uri(),
                      request.requestHeaders().copy(),
                      body));
              String requestId = request.requestHeaders().get("X-Request-Id");
              if (requestId != null) {
                response.header("X-Request-Id", requestId);
              }
              return respond(path, response)
                  .doFinally(signal -> channel[0].attr(LAST_ANSWERED).set(System.nanoTime()));
            });
  }

  private Mono<Void> respond(String path, HttpServerResponse response) {
    String rest = path.startsWith("/api/users/") ? path.substring("/api/users/".length()) : "";
    if (rest.startsWith("status/")) {
      return problem(response, Integer.parseInt(rest.substring("status/".length())));
    }
    if (rest.startsWith("slow/")) {
      long millis = Long.parseLong(rest.substring("slow/".length()));
      return Mono.delay(Duration.ofMillis(millis)).then(ok(response));
    }
    if (rest.equals("stall-body")) {
      return response
          .header("Content-Type", "application/json")
          .header("Content-Length", "100")
          .sendString(Flux.just("{\"partial\":").concatWith(Flux.never()))
          .then();
    }
    int override = statusOverride.get();
    if (override != 0) {
      return problem(response, override);
    }
    return ok(response);
  }

  private Mono<Void> ok(HttpServerResponse response) {
    return response
        .status(200)
        .header("Content-Type", "application/json")
        .sendString(Mono.just("{\"instance\":\"" + name + "\"}"))
        .then();
  }

  private static Mono<Void> problem(HttpServerResponse response, int status) {
    return response
        .status(status)
        .header("Content-Type", "application/problem+json")
        .sendString(
            Mono.just(
                "{\"type\":\"https://backend.example/problems/x\",\"title\":\"Backend\",\"status\":"
                    + status
                    + ",\"detail\":\"from the backend\"}"))
        .then();
  }
}
