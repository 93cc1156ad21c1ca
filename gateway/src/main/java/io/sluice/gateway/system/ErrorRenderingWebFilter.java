package io.sluice.gateway.system;

import io.sluice.common.requestid.RequestIdWebFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Turns errors into problem responses inside the filter chain, so that filters wrapping this one
 * (the access log) see the final status. {@link ProblemWebExceptionHandler} catches the rest.
 */
public class ErrorRenderingWebFilter implements WebFilter, Ordered {

  /** Just inside the access log, outside everything that can fail. */
  public static final int ORDER = RequestIdWebFilter.ORDER + 20;

  private final ProblemRenderer renderer;

  public ErrorRenderingWebFilter(ProblemRenderer renderer) {
    this.renderer = renderer;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return chain.filter(exchange).onErrorResume(error -> renderer.render(exchange, error));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "ErrorRenderingWebFilter";
  }
}
