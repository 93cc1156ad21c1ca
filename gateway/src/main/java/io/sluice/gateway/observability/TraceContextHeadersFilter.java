package io.sluice.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Continues the trace on the proxied request with the gateway's own span: the span of the incoming
 * request's server observation (itself a child of the client's {@code traceparent}, if any) becomes
 * the backend's parent. One span per request instead of a second, client-side observation per
 * proxied call, which Spring Cloud Gateway would otherwise start and stop on every request.
 */
class TraceContextHeadersFilter implements HttpHeadersFilter, Ordered {

  private final Propagator propagator;

  TraceContextHeadersFilter(Propagator propagator) {
    this.propagator = propagator;
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    Span span = ServerSpans.of(exchange);
    if (span == null) {
      return input;
    }
    HttpHeaders out = new HttpHeaders();
    out.addAll(input);
    // The client's fields describe its own span; ours replace them.
    propagator.fields().forEach(out::remove);
    propagator.inject(span.context(), out, HttpHeaders::set);
    return out;
  }

  @Override
  public int getOrder() {
    return 30;
  }
}
