package io.sluice.gateway.routing;

import io.sluice.gateway.system.GatewayProblemException;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes a small backend response to the client in one piece: status line, headers and body in a
 * single socket write, as NGINX does with its proxy buffers. SCG's response writer streams every
 * body, so Reactor Netty flushes the headers first and the body after them (two writes, and a
 * second task on the event loop) even when the whole body arrived in one read.
 *
 * <p>Only responses that declare a {@code Content-Length} of at most {@code limit} bytes are
 * collected; chunked, streamed and larger responses pass through as they arrive. A backend that
 * fails before the declared body is complete now leaves the response uncommitted, so the client
 * gets the gateway's 502 problem instead of a truncated 200.
 */
class WholeResponseWriteFilter implements GlobalFilter, Ordered {

  /** Just before SCG's response writer, so the writer writes through this filter's response. */
  static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  private final int limit;

  WholeResponseWriteFilter(int limit) {
    this.limit = limit;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (limit == 0 || exchange.getRequest().getMethod() == HttpMethod.HEAD) {
      return chain.filter(exchange);
    }
    return chain.filter(
        exchange.mutate().response(new WholeBodyResponse(exchange.getResponse(), limit)).build());
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  private static final class WholeBodyResponse extends ServerHttpResponseDecorator {

    private final int limit;

    WholeBodyResponse(ServerHttpResponse delegate, int limit) {
      super(delegate);
      this.limit = limit;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      long length = getHeaders().getContentLength();
      if (body instanceof Mono || length <= 0 || length > limit) {
        return super.writeWith(body);
      }
      // A Mono body is what lets Reactor Netty send one full response message.
      return super.writeWith(
          DataBufferUtils.join(body, limit)
              .onErrorMap(
                  error -> !(error instanceof ResponseStatusException),
                  error ->
                      new GatewayProblemException(
                          HttpStatus.BAD_GATEWAY,
                          "The upstream service broke off its response.",
                          error)));
    }
  }
}
