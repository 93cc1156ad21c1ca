package io.sluice.gateway.ratelimit;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Says who a request is counted against; empty means the request is not limited. */
@FunctionalInterface
public interface RateLimitSubjectResolver {

  Mono<RateLimitSubject> resolve(ServerWebExchange exchange);
}
