package io.sluice.gateway.system;

import java.net.URI;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/**
 * Writes a {@link ProblemDetail} as RFC 8259 JSON. Hand-rolled on purpose: the members are a fixed
 * set of strings and numbers, and the error path of a gateway must not depend on codec
 * configuration or allocate an object mapper's machinery.
 */
final class ProblemJson {

  private ProblemJson() {}

  static String write(ProblemDetail problem) {
    StringBuilder json = new StringBuilder(256).append('{');
    URI type = problem.getType();
    member(json, "type", type == null ? "about:blank" : type.toString());
    if (problem.getTitle() != null) {
      member(json.append(','), "title", problem.getTitle());
    }
    json.append(",\"status\":").append(problem.getStatus());
    if (problem.getDetail() != null) {
      member(json.append(','), "detail", problem.getDetail());
    }
    if (problem.getInstance() != null) {
      member(json.append(','), "instance", problem.getInstance().toString());
    }
    Map<String, Object> properties = problem.getProperties();
    if (properties != null) {
      properties.forEach(
          (name, value) -> {
            if (value instanceof Number number) {
              string(json.append(','), name).append(':').append(number);
            } else if (value != null) {
              member(json.append(','), name, value.toString());
            }
          });
    }
    return json.append('}').toString();
  }

  private static void member(StringBuilder json, String name, String value) {
    string(string(json, name).append(':'), value);
  }

  private static StringBuilder string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
