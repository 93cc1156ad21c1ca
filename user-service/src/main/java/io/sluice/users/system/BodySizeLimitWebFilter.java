package io.sluice.users.system;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses request bodies over {@link #MAX_BODY_BYTES} with 413: at once when {@code Content-Length}
 * says so, and while streaming for chunked bodies, which declare no length. Runs right after the
 * request-id filter, before security, so a huge body is never buffered.
 */
@Component
class BodySizeLimitWebFilter implements WebFilter, Ordered {

  /** 64 KiB: a user is a few hundred bytes; anything near this is a mistake or an attack. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long declared = exchange.getRequest().getHeaders().getContentLength();
    if (declared > MAX_BODY_BYTES) {
      return Mono.error(tooLarge());
    }
    ServerHttpRequest counted =
        new ServerHttpRequestDecorator(exchange.getRequest()) {
          @Override
          public Flux<DataBuffer> getBody() {
            return Flux.defer(
                () -> {
                  AtomicLong seen = new AtomicLong();
                  return super.getBody()
                      .handle(
                          (buffer, sink) -> {
                            if (seen.addAndGet(buffer.readableByteCount()) > MAX_BODY_BYTES) {
                              DataBufferUtils.release(buffer);
                              sink.error(tooLarge());
                            } else {
                              sink.next(buffer);
                            }
                          });
                });
          }
        };
    return chain.filter(exchange.mutate().request(counted).build());
  }

  private static PayloadTooLargeException tooLarge() {
    return new PayloadTooLargeException(null);
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "BodySizeLimitWebFilter";
  }
}
