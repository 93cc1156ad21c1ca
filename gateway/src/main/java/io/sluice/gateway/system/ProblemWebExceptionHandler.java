package io.sluice.gateway.system;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Last line of defence: errors raised outside {@link ErrorRenderingWebFilter} are rendered as
 * problems too, ahead of Spring Boot's HTML/JSON error handler.
 */
public class ProblemWebExceptionHandler implements WebExceptionHandler, Ordered {

  private final ProblemRenderer renderer;

  public ProblemWebExceptionHandler(ProblemRenderer renderer) {
    this.renderer = renderer;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    return renderer.render(exchange, ex);
  }

  @Override
  public int getOrder() {
    // Before Boot's DefaultErrorWebExceptionHandler (-1).
    return -2;
  }
}
