package io.sluice.users.system;

import io.sluice.common.requestid.RequestIds;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every error that reaches the web layer, from handlers and from filters alike, as a
 * problem. It runs before Spring Boot's default handler (order -1), which would render HTML or its
 * own JSON shape.
 */
@Component
@Order(-2)
class ProblemWebExceptionHandler implements WebExceptionHandler {

  private final ExceptionProblems problems;
  private final ProblemResponseWriter writer;

  ProblemWebExceptionHandler(ExceptionProblems problems, ProblemResponseWriter writer) {
    this.problems = problems;
    this.writer = writer;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(ex);
    }
    ExceptionProblems.Mapped mapped;
    String requestId = RequestIds.of(exchange);
    // Error handling runs outside the request-id filter's Reactor context, so the MDC entry its
    // log lines need is set here.
    try (MDC.MDCCloseable ignored =
        requestId == null ? null : MDC.putCloseable(RequestIds.CONTEXT_KEY, requestId)) {
      mapped = problems.map(ex, exchange);
    }
    return writer.write(exchange, mapped.problem(), mapped.headers());
  }
}
