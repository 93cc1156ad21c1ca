package io.sluice.gateway.observability;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * The span of a request's server observation, read from the exchange rather than from thread locals
 * (the gateway does not restore thread locals around every operator).
 */
final class ServerSpans {

  private ServerSpans() {}

  /** The request's server span, or {@code null} when it is not traced. */
  static Span of(ServerWebExchange exchange) {
    return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
        .map(ServerSpans::tracing)
        .map(TracingContext::getSpan)
        .orElse(null);
  }

  private static TracingContext tracing(Observation.Context context) {
    return context.get(TracingContext.class);
  }
}
