package io.sluice.common.requestid;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.web.server.ServerWebExchange;

/** What a well-formed request id is, how a new one is made, and where it travels. */
public final class RequestIds {

  /** Longest request id accepted from a client. */
  public static final int MAX_LENGTH = 128;

  /** Exchange attribute holding the request's id. */
  public static final String ATTRIBUTE = RequestIds.class.getName() + ".id";

  /** Reactor context key and MDC key holding the request's id. */
  public static final String CONTEXT_KEY = "requestId";

  private RequestIds() {}

  /**
   * Whether a client-supplied id may be reused: 1..128 characters from a set that is safe in
   * headers, logs and JSON (letters, digits and {@code - _ . : / + = @}).
   */
  public static boolean isWellFormed(String candidate) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < candidate.length(); i++) {
      if (!isSafe(candidate.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == ':'
        || c == '/'
        || c == '+'
        || c == '='
        || c == '@';
  }

  /** A new random id; ThreadLocalRandom keeps SecureRandom's entropy pool off the event loop. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** The id the request-id filter assigned to this exchange, or {@code null} before it ran. */
  public static String of(ServerWebExchange exchange) {
    return exchange.getAttribute(ATTRIBUTE);
  }
}
