package io.sluice.gateway.cache;

import io.sluice.common.http.SluiceHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request from a stored response: its status, headers and body, with {@code Age} and
 * {@code X-Cache}; or 304 when the request's {@code If-None-Match} matches the stored {@code ETag}
 * (RFC 9110 13.1.2, weak comparison). Headers already on the response (request id, rate-limit
 * headers) stay.
 */
final class CachedResponseWriter {

  static final String HIT = "HIT";
  static final String MISS = "MISS";
  static final String STALE = "STALE";
  static final String BYPASS = "BYPASS";

  /** What a 304 carries of the stored headers (RFC 9110 15.4.5). */
  private static final Set<String> NOT_MODIFIED_HEADERS =
      Set.of("etag", "cache-control", "content-location", "expires", "vary", "last-modified");

  private CachedResponseWriter() {}

  static Mono<Void> serve(
      ServerWebExchange exchange, CachedResponse entry, String result, long now) {
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = response.getHeaders();
    boolean notModified =
        (entry.status() == 200 || entry.status() == 203)
            && matches(
                exchange.getRequest().getHeaders().getOrEmpty(HttpHeaders.IF_NONE_MATCH),
                entry.header(HttpHeaders.ETAG));
    List<CachedResponse.Header> stored = entry.headers();
    for (int i = 0; i < stored.size(); i++) {
      CachedResponse.Header header = stored.get(i);
      if (notModified && !NOT_MODIFIED_HEADERS.contains(header.name().toLowerCase(Locale.ROOT))) {
        continue;
      }
      // The stored values replace the name's values on the response, once per name: a stored
      // response has a handful of headers, so looking back costs less than a set per hit.
      if (!seenBefore(stored, i)) {
        headers.remove(header.name());
      }
      headers.add(header.name(), header.value());
    }
    headers.set(HttpHeaders.AGE, Long.toString(entry.ageSeconds(now)));
    headers.set(SluiceHeaders.CACHE, result);
    if (notModified) {
      response.setStatusCode(HttpStatus.NOT_MODIFIED);
      return response.setComplete();
    }
    response.setStatusCode(HttpStatusCode.valueOf(entry.status()));
    if (exchange.getRequest().getMethod() == HttpMethod.HEAD || entry.status() == 204) {
      return response.setComplete();
    }
    headers.setContentLength(entry.body().length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(entry.body())));
  }

  private static boolean seenBefore(List<CachedResponse.Header> headers, int index) {
    String name = headers.get(index).name();
    for (int i = 0; i < index; i++) {
      if (headers.get(i).name().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Sets {@code X-Cache}, replacing any value (a backend's own included). */
  static void mark(ServerWebExchange exchange, String result) {
    if (!exchange.getResponse().isCommitted()) {
      exchange.getResponse().getHeaders().set(SluiceHeaders.CACHE, result);
    }
  }

  /** Whether an {@code If-None-Match} list matches {@code etag} by weak comparison. */
  static boolean matches(Iterable<String> ifNoneMatch, String etag) {
    if (etag == null) {
      return false;
    }
    String opaque = opaque(etag);
    for (String value : ifNoneMatch) {
      for (String candidate : value.split(",")) {
        String trimmed = candidate.trim();
        if (trimmed.equals("*") || (!trimmed.isEmpty() && opaque(trimmed).equals(opaque))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    String trimmed = tag.trim();
    return trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed;
  }
}
