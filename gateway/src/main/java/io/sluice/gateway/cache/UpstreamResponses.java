package io.sluice.gateway.cache;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The backend's response as Spring Cloud Gateway leaves it once routing returns: status and headers
 * on the exchange's response, the body still unread on the connection in {@code
 * CLIENT_RESPONSE_CONN_ATTR} (SCG's {@code NettyWriteResponseFilter} copies it to the client after
 * the route's filters finish). The cache either leaves it to SCG, takes the body write over to keep
 * a copy, or discards it to answer from the cache instead.
 */
final class UpstreamResponses {

  private UpstreamResponses() {}

  /** Whether routing produced a backend response whose body is still to be written. */
  static boolean routed(ServerWebExchange exchange) {
    return exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR) != null;
  }

  /** The backend's headers (after the gateway's response header filters). */
  static HttpHeaders headers(ServerWebExchange exchange) {
    Set<String> names = exchange.getAttributeOrDefault(CLIENT_RESPONSE_HEADER_NAMES, Set.of());
    HttpHeaders response = exchange.getResponse().getHeaders();
    HttpHeaders upstream = new HttpHeaders();
    for (String name : names) {
      upstream.addAll(name, response.getOrEmpty(name));
    }
    return upstream;
  }

  /**
   * Drops the backend's response: its headers leave the client response and its connection is
   * drained back to the pool ({@code drain}, for bodiless answers such as 304) or closed.
   */
  static void discard(ServerWebExchange exchange, boolean drain) {
    Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
    if (drain && connection != null) {
      exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
      connection.inbound().receive().then().onErrorResume(error -> Mono.empty()).subscribe();
    }
    // Closes a remaining connection, removes the backend's headers and the routed marker.
    ServerWebExchangeUtils.reset(exchange);
    exchange.getResponse().setStatusCode(null);
  }

  /**
   * Writes the backend's body to the client as SCG would, keeping a copy of at most {@code
   * maxBytes} for {@code onComplete}, which runs once the whole body went out and only if it fit.
   * Larger bodies stream through unbuffered; the copy is abandoned at the limit.
   */
  static Mono<Void> writeKeepingCopy(
      ServerWebExchange exchange, long maxBytes, Consumer<byte[]> onComplete) {
    ServerHttpResponse response = exchange.getResponse();
    Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
    if (connection == null || !(response.bufferFactory() instanceof NettyDataBufferFactory netty)) {
      return Mono.empty();
    }
    // From here on this filter writes the body; SCG's writer must leave it alone.
    exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
    BodyCopy copy = new BodyCopy(maxBytes);
    Flux<DataBuffer> body =
        connection
            .inbound()
            .receive()
            .retain()
            .map(
                buffer -> {
                  copy.add(buffer);
                  return netty.wrap(buffer);
                });
    return response
        .writeWith(body)
        .doOnSuccess(
            done -> {
              byte[] bytes = copy.bytes();
              if (bytes != null) {
                onComplete.accept(bytes);
              }
            })
        .doOnCancel(connection::dispose)
        .doOnError(error -> connection.dispose());
  }

  /** Reads the backend's body into memory without writing it anywhere (background refresh). */
  static Mono<byte[]> read(ServerWebExchange exchange, long maxBytes) {
    Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
    if (connection == null) {
      return Mono.empty();
    }
    exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
    BodyCopy copy = new BodyCopy(maxBytes);
    return connection
        .inbound()
        .receive()
        .doOnNext(copy::add)
        .then(Mono.fromSupplier(copy::bytes))
        .doOnCancel(connection::dispose)
        .doOnError(error -> connection.dispose());
  }

  /** A copy of a body, given up once it grows past its limit. */
  private static final class BodyCopy {
    private final long maxBytes;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    BodyCopy(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    void add(ByteBuf buffer) {
      if (bytes == null) {
        return;
      }
      int length = buffer.readableBytes();
      if (bytes.size() + (long) length > maxBytes) {
        bytes = null;
        return;
      }
      byte[] chunk = new byte[length];
      buffer.getBytes(buffer.readerIndex(), chunk);
      bytes.write(chunk, 0, length);
    }

    byte[] bytes() {
      return bytes == null ? null : bytes.toByteArray();
    }
  }
}
