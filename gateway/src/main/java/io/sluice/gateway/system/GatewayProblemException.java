package io.sluice.gateway.system;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A failure the gateway itself answers for, rendered once by {@link ProblemRenderer} as an RFC 9457
 * problem. Carries what the problem needs beyond a status: a client-safe detail and, for 503, how
 * long the client should wait.
 */
public class GatewayProblemException extends ResponseStatusException {

  private final Duration retryAfter;

  private final transient HttpHeaders extraHeaders;

  public GatewayProblemException(HttpStatus status, String detail) {
    this(status, detail, null, null, HttpHeaders.EMPTY);
  }

  public GatewayProblemException(HttpStatus status, String detail, Throwable cause) {
    this(status, detail, cause, null, HttpHeaders.EMPTY);
  }

  private GatewayProblemException(
      HttpStatus status,
      String detail,
      Throwable cause,
      Duration retryAfter,
      HttpHeaders extraHeaders) {
    super(status, detail, cause);
    this.retryAfter = retryAfter;
    this.extraHeaders = extraHeaders;
  }

  /** A 503 telling the client when to come back. */
  public static GatewayProblemException unavailable(
      String detail, Duration retryAfter, Throwable cause) {
    return new GatewayProblemException(
        HttpStatus.SERVICE_UNAVAILABLE, detail, cause, retryAfter, HttpHeaders.EMPTY);
  }

  /** A problem with response headers of its own, such as {@code Allow} on a 405. */
  public static GatewayProblemException withHeaders(
      HttpStatus status, String detail, HttpHeaders headers) {
    return new GatewayProblemException(status, detail, null, null, headers);
  }

  /** How long the client should wait before retrying, or {@code null}. */
  public Duration getRetryAfter() {
    return retryAfter;
  }

  @Override
  public HttpHeaders getHeaders() {
    return extraHeaders;
  }
}
