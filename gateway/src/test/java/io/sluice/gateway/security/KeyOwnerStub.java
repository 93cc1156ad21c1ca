package io.sluice.gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A user-service stand-in behind the gateway: answers the internal key verification from a map of
 * active keys and records the headers of every proxied request.
 */
final class KeyOwnerStub implements AutoCloseable {

  final Map<String, String> activeKeysByHash = new ConcurrentHashMap<>();
  final List<io.netty.handler.codec.http.HttpHeaders> proxied = new CopyOnWriteArrayList<>();
  final AtomicInteger verifications = new AtomicInteger();
  private final DisposableServer server;

  KeyOwnerStub() {
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .post(
                            "/internal/api-keys/verify",
                            (request, response) ->
                                request
                                    .receive()
                                    .aggregate()
                                    .asString(StandardCharsets.UTF_8)
                                    .flatMap(
                                        body -> {
                                          verifications.incrementAndGet();
                                          if (!request
                                              .requestHeaders()
                                              .get("Authorization", "")
                                              .startsWith("Bearer ")) {
                                            return response.status(401).send().then();
                                          }
                                          String hash =
                                              body.replaceAll(
                                                  ".*\"keyHash\":\"([0-9a-f]+)\".*", "$1");
                                          String identity = activeKeysByHash.get(hash);
                                          return identity == null
                                              ? response.status(404).send().then()
                                              : response
                                                  .header("Content-Type", "application/json")
                                                  .sendString(Mono.just(identity))
                                                  .then();
                                        }))
                        .route(
                            request -> true,
                            (request, response) -> {
                              proxied.add(request.requestHeaders().copy());
                              return response
                                  .header("Content-Type", "application/json")
                                  .sendString(Mono.just("{\"ok\":true}"));
                            }))
            .bindNow();
  }

  /** Makes {@code key} active with this id, plan and scope. */
  void activate(String key, String id, String plan, String scope) {
    activeKeysByHash.put(
        ApiKeyHash.of(key),
        "{\"id\":\"" + id + "\",\"plan\":\"" + plan + "\",\"scope\":\"" + scope + "\"}");
  }

  void revoke(String key) {
    activeKeysByHash.remove(ApiKeyHash.of(key));
  }

  String uri() {
    return "http://127.0.0.1:" + server.port();
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
