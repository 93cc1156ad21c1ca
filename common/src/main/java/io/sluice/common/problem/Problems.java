package io.sluice.common.problem;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Builds RFC 9457 problem details the Sluice way: a {@code type} from {@link ProblemTypes}, the
 * standard {@code title}, a human {@code detail}, the request path as {@code instance}, and the
 * {@code requestId} extension member that ties the problem to the logs.
 */
public final class Problems {

  /** Name of the extension member carrying the request id. */
  public static final String REQUEST_ID_MEMBER = "requestId";

  /** Name of the extension member listing invalid fields on validation problems. */
  public static final String ERRORS_MEMBER = "errors";

  private Problems() {}

  /** A problem with the conventional type for {@code status}. */
  public static ProblemDetail of(HttpStatusCode status, String detail) {
    return of(status, ProblemTypes.forStatus(status.value()), detail);
  }

  /** A problem with an explicit type. */
  public static ProblemDetail of(HttpStatusCode status, URI type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type);
    return problem;
  }

  /** Fills in {@code instance} and {@code requestId}, the members every Sluice problem carries. */
  public static ProblemDetail withRequest(ProblemDetail problem, String path, String requestId) {
    if (problem.getInstance() == null && path != null) {
      problem.setInstance(URI.create(safePath(path)));
    }
    if (requestId != null) {
      problem.setProperty(REQUEST_ID_MEMBER, requestId);
    }
    return problem;
  }

  private static String safePath(String path) {
    // The raw path came off the wire; keep only what a URI reference allows so URI.create cannot
    // throw.
    StringBuilder safe = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
          || c == '`' || c == '{' || c == '|' || c == '}' || c == '%') {
        safe.append('_');
      } else {
        safe.append(c);
      }
    }
    return safe.toString();
  }
}
