package io.sluice.users.system;

import io.r2dbc.pool.ConnectionPoolException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.sluice.common.problem.ProblemTypes;
import io.sluice.common.problem.Problems;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;

/**
 * Decides which problem an exception is. Details are written here rather than taken from framework
 * exceptions, whose messages can name classes, codecs or SQL.
 */
@Component
class ExceptionProblems {

  /** Seconds a client should wait before retrying while the database is unreachable. */
  static final String RETRY_AFTER_SECONDS = "2";

  private static final Logger log = LoggerFactory.getLogger(ExceptionProblems.class);

  /** A problem and the headers that belong with it ({@code Allow}, {@code Retry-After}...). */
  record Mapped(ProblemDetail problem, HttpHeaders headers) {}

  Mapped map(Throwable ex, ServerWebExchange exchange) {
    if (causedBy(ex, DataBufferLimitException.class)
        || causedBy(ex, PayloadTooLargeException.class)) {
      return plain(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than 64 KiB.");
    }
    if (isDatabaseUnavailable(ex)) {
      log.warn("Database unavailable: {}", ex.toString());
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
      return new Mapped(
          Problems.of(
              HttpStatus.SERVICE_UNAVAILABLE,
              "The user store is temporarily unavailable; retry later."),
          headers);
    }
    if (ex instanceof ServerWebInputException input) {
      return plain(HttpStatus.BAD_REQUEST, inputDetail(input, exchange));
    }
    if (ex instanceof ErrorResponse response) {
      return fromErrorResponse(response, ex, exchange);
    }
    log.error(
        "Unexpected error on {} {}",
        exchange.getRequest().getMethod(),
        exchange.getRequest().getPath(),
        ex);
    return plain(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.");
  }

  private static String inputDetail(ServerWebInputException input, ServerWebExchange exchange) {
    // An empty body reaches the JSON parser as an early end of input; name it for what it is.
    if (exchange.getRequest().getHeaders().getContentLength() == 0) {
      return "The request body is missing.";
    }
    if (causedBy(input, JacksonException.class) || causedBy(input, DecodingException.class)) {
      return "The request body is not well-formed JSON.";
    }
    if (input.getReason() != null && input.getReason().contains("No request body")) {
      return "The request body is missing.";
    }
    return "The request is malformed.";
  }

  private Mapped fromErrorResponse(
      ErrorResponse response, Throwable ex, ServerWebExchange exchange) {
    ProblemDetail problem = response.getBody();
    HttpHeaders headers = new HttpHeaders();
    headers.addAll(response.getHeaders());
    if (problem.getType() == null || URI.create("about:blank").equals(problem.getType())) {
      // A framework exception: its type is generic and its detail is not written for clients.
      problem = Problems.of(response.getStatusCode(), frameworkDetail(ex));
    }
    if (response.getStatusCode().is5xxServerError()) {
      log.error(
          "Server error on {} {}",
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(),
          ex);
    }
    return new Mapped(problem, headers);
  }

  private static String frameworkDetail(Throwable ex) {
    if (ex instanceof MethodNotAllowedException notAllowed) {
      return "Method " + notAllowed.getHttpMethod() + " is not allowed here; see the Allow header.";
    }
    if (ex instanceof NotAcceptableStatusException) {
      return "This resource can only produce application/json.";
    }
    if (ex instanceof UnsupportedMediaTypeStatusException unsupported) {
      return "Content-Type must be one of " + unsupported.getSupportedMediaTypes() + ".";
    }
    if (ex instanceof ErrorResponse response && response.getStatusCode().value() == 404) {
      return "There is nothing at this path.";
    }
    if (ex instanceof ErrorResponse response) {
      HttpStatus status = HttpStatus.resolve(response.getStatusCode().value());
      return status == null ? "The request failed." : status.getReasonPhrase() + ".";
    }
    return "The request failed.";
  }

  private static Mapped plain(HttpStatus status, String detail) {
    return new Mapped(
        Problems.of(status, ProblemTypes.forStatus(status.value()), detail), new HttpHeaders());
  }

  /** Connection refused, reset, closed, pool acquire or connect timeouts: all mean "try later". */
  static boolean isDatabaseUnavailable(Throwable ex) {
    return causedBy(ex, DataAccessResourceFailureException.class)
        || causedBy(ex, TransientDataAccessResourceException.class)
        || causedBy(ex, QueryTimeoutException.class)
        || causedBy(ex, R2dbcTransientResourceException.class)
        || causedBy(ex, R2dbcNonTransientResourceException.class)
        || causedBy(ex, R2dbcTimeoutException.class)
        || causedBy(ex, ConnectionPoolException.class)
        || causedBy(ex, ConnectException.class)
        || causedBy(ex, ClosedChannelException.class)
        || causedBy(ex, TimeoutException.class);
  }

  static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
