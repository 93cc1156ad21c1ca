package io.sluice.gateway.system;

import io.sluice.common.problem.Problems;
import io.sluice.common.requestid.RequestIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Renders every error the gateway produces, once and centrally, as an RFC 9457 {@code
 * application/problem+json} response carrying {@code requestId}. Responses that came from a backend
 * (including its own problem documents) never pass through here.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
@Component
public class ProblemRenderer {

  /** Extension member stating the wait of a 503 precisely; {@code Retry-After} has seconds. */
  public static final String RETRY_AFTER_MS_MEMBER = "retryAfterMs";

  /** Retry-After for a 503 whose cause does not know better. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ProblemRenderer.class);

  /**
   * Writes the problem for {@code error}, or passes the error on when the response is already
   * committed (the connection is then closed, which is all a client can be told mid-body).
   */
  public Mono<Void> render(ServerWebExchange exchange, Throwable error) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    Rendered rendered = classify(error);
    if (rendered.status().value() >= 500
        && !(error instanceof ResponseStatusException)
        && !(error instanceof TimeoutException)) {
      // The MDC is not filled by context propagation on the gateway (it costs every request):
      // the one request-scoped error line sets it itself.
      try (MDC.MDCCloseable ignored =
          MDC.putCloseable(RequestIds.CONTEXT_KEY, RequestIds.of(exchange))) {
        log.error("Unexpected gateway failure", error);
      }
    }
    ProblemDetail problem = Problems.of(rendered.status(), rendered.detail());
    Problems.withRequest(problem, exchange.getRequest().getPath().value(), RequestIds.of(exchange));
    HttpHeaders headers = response.getHeaders();
    // Headers copied from an upstream response that is being replaced must not leak into ours.
    Set<String> upstreamHeaders =
        exchange.getAttributeOrDefault(
            ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES, Set.of());
    upstreamHeaders.forEach(headers::remove);
    headers.remove(HttpHeaders.CONTENT_LENGTH);
    headers.remove(HttpHeaders.TRANSFER_ENCODING);
    // Replace, never append: a filter may already have written the same header (the rate
    // limiter's Retry-After before its 429), and a client must see it once.
    rendered.headers().forEach(headers::put);
    if (rendered.retryAfter() != null) {
      long millis = Math.max(1, rendered.retryAfter().toMillis());
      headers.set(HttpHeaders.RETRY_AFTER, Long.toString((millis + 999) / 1000));
      problem.setProperty(RETRY_AFTER_MS_MEMBER, millis);
    }
    response.setStatusCode(rendered.status());
    headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] body = ProblemJson.write(problem).getBytes(StandardCharsets.UTF_8);
    headers.setContentLength(body.length);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  private static Rendered classify(Throwable error) {
    if (error instanceof GatewayProblemException problem) {
      return new Rendered(
          problem.getStatusCode(),
          problem.getReason(),
          problem.getRetryAfter() != null
              ? problem.getRetryAfter()
              : defaultRetryAfter(problem.getStatusCode()),
          problem.getHeaders());
    }
    if (error instanceof ResponseStatusException statusError) {
      HttpStatusCode status = statusError.getStatusCode();
      return new Rendered(
          status,
          standardDetail(status),
          defaultRetryAfter(status),
          statusError.getHeaders() == null ? HttpHeaders.EMPTY : statusError.getHeaders());
    }
    if (error instanceof TimeoutException) {
      return new Rendered(
          HttpStatus.GATEWAY_TIMEOUT,
          standardDetail(HttpStatus.GATEWAY_TIMEOUT),
          null,
          HttpHeaders.EMPTY);
    }
    return new Rendered(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "The gateway failed to process the request.",
        null,
        HttpHeaders.EMPTY);
  }

  private static Duration defaultRetryAfter(HttpStatusCode status) {
    return status.value() == 503 ? DEFAULT_RETRY_AFTER : null;
  }

  /** Details for framework-raised statuses: never the framework's own text, which names code. */
  private static String standardDetail(HttpStatusCode status) {
    return switch (status.value()) {
      case 404 -> "No route matches this path.";
      case 405 -> "This method is not allowed on this path.";
      case 413 -> "The request body is larger than the gateway accepts.";
      case 431 -> "The request header fields are larger than the gateway accepts.";
      case 502 -> "The upstream service answered with an invalid response or reset the connection.";
      case 503 -> "The upstream service is unavailable.";
      case 504 -> "The upstream service did not answer in time.";
      default -> {
        HttpStatus known = HttpStatus.resolve(status.value());
        yield known == null ? "The request failed." : known.getReasonPhrase() + ".";
      }
    };
  }

  private record Rendered(
      HttpStatusCode status, String detail, Duration retryAfter, HttpHeaders headers) {}
}
