package io.sluice.users.system;

import io.sluice.common.problem.Problems;
import io.sluice.common.requestid.RequestIds;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem as {@code application/problem+json}, whatever the request's {@code Accept} said:
 * the single place every error response of this service leaves through (RFC 9457).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
@Component
class ProblemResponseWriter {

  private final JsonMapper json;

  ProblemResponseWriter(JsonMapper json) {
    this.json = json;
  }

  Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem, HttpHeaders extraHeaders) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      // Nothing sensible can be sent any more; the connection will be closed.
      return Mono.empty();
    }
    Problems.withRequest(problem, exchange.getRequest().getPath().value(), RequestIds.of(exchange));
    response.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(problem.getStatus()));
    HttpHeaders headers = response.getHeaders();
    // Headers set for the successful response that never happened (ETag, Location) do not apply.
    headers.remove(HttpHeaders.ETAG);
    headers.remove(HttpHeaders.LOCATION);
    headers.remove(HttpHeaders.CONTENT_LENGTH);
    headers.addAll(extraHeaders);
    headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] bytes = json.writeValueAsBytes(members(problem));
    DataBuffer buffer = response.bufferFactory().wrap(bytes);
    return response.writeWith(Mono.just(buffer));
  }

  /** The members in the order RFC 9457 lists them, then the extensions. */
  private static Map<String, Object> members(ProblemDetail problem) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("type", problem.getType().toString());
    members.put("title", problem.getTitle());
    members.put("status", problem.getStatus());
    if (problem.getDetail() != null) {
      members.put("detail", problem.getDetail());
    }
    if (problem.getInstance() != null) {
      members.put("instance", problem.getInstance().toString());
    }
    if (problem.getProperties() != null) {
      members.putAll(problem.getProperties());
    }
    return members;
  }
}
