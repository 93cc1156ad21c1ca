package io.sluice.common.problem;

import java.net.URI;

/**
 * The {@code type} URIs of the RFC 9457 problems Sluice returns. Each identifies one kind of
 * problem; clients may switch on it. The URIs are identifiers, documented in the README.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public final class ProblemTypes {

  private static final String BASE = "https://sluice.dev/problems/";

  public static final URI BAD_REQUEST = of("bad-request");
  public static final URI VALIDATION = of("validation");
  public static final URI UNAUTHORIZED = of("unauthorized");
  public static final URI FORBIDDEN = of("forbidden");
  public static final URI NOT_FOUND = of("not-found");
  public static final URI METHOD_NOT_ALLOWED = of("method-not-allowed");
  public static final URI NOT_ACCEPTABLE = of("not-acceptable");
  public static final URI CONFLICT = of("conflict");
  public static final URI PRECONDITION_FAILED = of("precondition-failed");
  public static final URI PRECONDITION_REQUIRED = of("precondition-required");
  public static final URI PAYLOAD_TOO_LARGE = of("payload-too-large");
  public static final URI UNSUPPORTED_MEDIA_TYPE = of("unsupported-media-type");
  public static final URI HEADERS_TOO_LARGE = of("headers-too-large");
  public static final URI RATE_LIMITED = of("rate-limited");
  public static final URI BAD_GATEWAY = of("bad-gateway");
  public static final URI SERVICE_UNAVAILABLE = of("service-unavailable");
  public static final URI GATEWAY_TIMEOUT = of("gateway-timeout");
  public static final URI INTERNAL = of("internal");

  private ProblemTypes() {}

  private static URI of(String slug) {
    return URI.create(BASE + slug);
  }

  /** The type URI conventionally used for an HTTP status Sluice has no more specific type for. */
  public static URI forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 412 -> PRECONDITION_FAILED;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 428 -> PRECONDITION_REQUIRED;
      case 429 -> RATE_LIMITED;
      case 431 -> HEADERS_TOO_LARGE;
      case 502 -> BAD_GATEWAY;
      case 503 -> SERVICE_UNAVAILABLE;
      case 504 -> GATEWAY_TIMEOUT;
      default -> status >= 500 ? INTERNAL : BAD_REQUEST;
    };
  }
}
