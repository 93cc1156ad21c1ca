package io.sluice.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import io.sluice.gateway.routing.InPlaceHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Continues the trace on the proxied request with the gateway's own span: the span of the incoming
 * request's server observation (itself a child of the client's {@code traceparent}, if any) becomes
 * the backend's parent. One span per request instead of a second, client-side observation per
 * proxied call, which Spring Cloud Gateway would otherwise start and stop on every request.
 */
class TraceContextHeadersFilter implements InPlaceHeadersFilter, Ordered {

  private final Propagator propagator;

  TraceContextHeadersFilter(Propagator propagator) {
    this.propagator = propagator;
  }

  @Override
  public void apply(HttpHeaders headers, ServerWebExchange exchange) {
    Span span = ServerSpans.of(exchange);
    if (span == null) {
      return;
    }
    // The client's fields describe its own span; ours replace them.
    propagator.fields().forEach(headers::remove);
    propagator.inject(span.context(), headers, HttpHeaders::set);
  }

  @Override
  public int getOrder() {
    return 30;
  }
}
