package io.sluice.gateway.support;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A backend on loopback whose answers a test scripts per path: {@link #on} sets what a path
 * answers; without a script a path answers 200 with {@code {"path":…,"version":n}} and {@code ETag:
 * "n"}, where n counts the writes (POST, PUT, PATCH, DELETE) to that path, and 304 to an {@code
 * If-None-Match} of the current tag. Every request is recorded.
 */
public final class ScriptedBackend implements AutoCloseable {

  /** A recorded request. */
  public record Received(String method, String uri, HttpHeaders headers) {}

  /** What a scripted path answers. */
  public record Reply(int status, Map<String, String> headers, String body, Duration delay) {

    public static Reply of(int status, Map<String, String> headers, String body) {
      return new Reply(status, headers, body, Duration.ZERO);
    }

    public Reply after(Duration wait) {
      return new Reply(status, headers, body, wait);
    }
  }

  private final DisposableServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Function<HttpServerRequest, Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();

  private ScriptedBackend() {
    server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow();
  }

  public static ScriptedBackend start() {
    return new ScriptedBackend();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Scripts what {@code path} (without query) answers. */
  public void on(String path, Function<HttpServerRequest, Reply> script) {
    scripts.put(path, script);
  }

  public List<Received> received() {
    return received;
  }

  /** Requests of {@code method} whose URI (path and query) equals {@code uri}. */
  public long count(String method, String uri) {
    return received.stream().filter(r -> r.method().equals(method) && r.uri().equals(uri)).count();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(2));
  }

  private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    return request
        .receive()
        .aggregate()
        .asString()
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              received.add(
                  new Received(
                      request.method().name(), request.uri(), request.requestHeaders().copy()));
              String path = request.fullPath();
              Function<HttpServerRequest, Reply> script = scripts.get(path);
              Reply reply = script != null ? script.apply(request) : versioned(request, path);
              return Mono.delay(reply.delay()).then(send(response, reply));
            });
  }

  private Reply versioned(HttpServerRequest request, String path) {
    String method = request.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      int version = versions.merge(path, 1, Integer::sum);
      return Reply.of(
          method.equals("DELETE") ? 204 : 200,
          Map.of("Content-Type", "application/json", "ETag", "\"" + version + "\""),
          method.equals("DELETE") ? "" : json(path, version));
    }
    int version = versions.getOrDefault(path, 0);
    String etag = "\"" + version + "\"";
    if (etag.equals(request.requestHeaders().get("If-None-Match"))) {
      return Reply.of(304, Map.of("ETag", etag), "");
    }
    return Reply.of(
        200, Map.of("Content-Type", "application/json", "ETag", etag), json(path, version));
  }

  private static String json(String path, int version) {
    return "{\"path\":\"" + path + "\",\"version\":" + version + "}";
  }

  private static Mono<Void> send(HttpServerResponse response, Reply reply) {
    response.status(reply.status());
    reply.headers().forEach(response::header);
    if (reply.body().isEmpty()) {
      return response.send().then();
    }
    return response.sendString(Mono.just(reply.body()), StandardCharsets.UTF_8).then();
  }
}
