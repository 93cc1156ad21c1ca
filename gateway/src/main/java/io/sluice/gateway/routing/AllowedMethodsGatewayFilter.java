package io.sluice.gateway.routing;

import io.sluice.gateway.system.GatewayProblemException;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers 405 with {@code Allow} for methods a route does not proxy (TRACE, CONNECT, OPTIONS...),
 * so that a known path with a wrong method is not confused with an unknown path (404).
 */
class AllowedMethodsGatewayFilter implements GatewayFilter {

  private final Set<HttpMethod> allowed;

  private final HttpHeaders allowHeader = new HttpHeaders();

  AllowedMethodsGatewayFilter(Set<HttpMethod> allowed) {
    this.allowed = Set.copyOf(allowed);
    allowHeader.set(
        HttpHeaders.ALLOW,
        allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")));
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (allowed.contains(exchange.getRequest().getMethod())) {
      return chain.filter(exchange);
    }
    return Mono.error(
        GatewayProblemException.withHeaders(
            HttpStatus.METHOD_NOT_ALLOWED,
            "Method " + exchange.getRequest().getMethod().name() + " is not allowed on this path.",
            allowHeader));
  }
}
