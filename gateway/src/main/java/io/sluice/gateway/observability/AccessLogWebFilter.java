package io.sluice.gateway.observability;

import io.micrometer.tracing.Span;
import io.sluice.common.requestid.RequestIdWebFilter;
import io.sluice.common.requestid.RequestIds;
import io.sluice.gateway.routing.TriedInstances;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * One structured access-log line per request, the only per-request logging, as key-value pairs of
 * the {@code sluice.access} logger named after ECS fields: {@code http.request.method}, {@code
 * url.path}, {@code http.response.status_code}, {@code event.duration} (nanoseconds), {@code
 * http.request.id}, {@code event.outcome}, {@code trace.id} and {@code span.id} (the request's
 * server span, when traced), and Sluice's {@code sluice.upstream} (last instance tried) and {@code
 * sluice.attempts}. The line names every field itself: nothing is read from the MDC. Logback hands
 * it to a buffered appender ({@link BufferedConsoleAppender}), so the event loop never writes.
 */
public class AccessLogWebFilter implements WebFilter, Ordered {

  /** Logger name of the access log (set it to OFF to disable). */
  public static final String LOGGER = "sluice.access";

  /** Right after the request id, around the error renderer so the final status is known. */
  public static final int ORDER = RequestIdWebFilter.ORDER + 10;

  /**
   * The line's keys, in the order {@link AccessLogEncoder} expects them: adding one here means
   * teaching the encoder where it goes (until then such lines fall back to Boot's encoder). The
   * trace and span ids are left out of an untraced request's line.
   */
  static final List<String> FIELDS =
      List.of(
          "http.request.method",
          "url.path",
          "http.response.status_code",
          "event.duration",
          "http.request.id",
          "event.outcome",
          "sluice.upstream",
          "sluice.attempts",
          "trace.id",
          "span.id");

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!log.isInfoEnabled()) {
      return chain.filter(exchange);
    }
    long start = System.nanoTime();
    return chain.filter(exchange).doFinally(signal -> write(exchange, start, signal));
  }

  private static void write(ServerWebExchange exchange, long start, SignalType signal) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    List<String> tried = exchange.getAttribute(TriedInstances.ATTRIBUTE);
    String outcome =
        switch (signal) {
          case CANCEL -> "cancelled";
          case ON_ERROR -> "failure";
          default -> "success";
        };
    Span span = ServerSpans.of(exchange);
    LoggingEventBuilder line =
        log.atInfo()
            .setMessage("access")
            .addKeyValue("http.request.method", exchange.getRequest().getMethod().name())
            .addKeyValue("url.path", exchange.getRequest().getPath().value())
            .addKeyValue("http.response.status_code", status == null ? 200 : status.value())
            .addKeyValue("event.duration", System.nanoTime() - start)
            .addKeyValue("http.request.id", RequestIds.of(exchange))
            .addKeyValue("event.outcome", outcome)
            .addKeyValue(
                "sluice.upstream",
                tried == null || tried.isEmpty() ? "-" : tried.get(tried.size() - 1))
            .addKeyValue("sluice.attempts", tried == null ? 0 : tried.size());
    if (span != null) {
      line.addKeyValue("trace.id", span.context().traceId())
          .addKeyValue("span.id", span.context().spanId());
    }
    line.log();
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "AccessLogWebFilter";
  }
}
