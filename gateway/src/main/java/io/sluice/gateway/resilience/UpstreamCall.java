package io.sluice.gateway.resilience;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sluice.gateway.routing.TriedInstances;
import io.sluice.gateway.system.GatewayProblemException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * One client request's trip upstream: the circuit breaker's permission, then attempts through the
 * rest of the chain (load balancer, Netty routing filter) with retries, all under the route
 * deadline, and finally one outcome for the breaker. Upstream failures leave as problems: 503
 * (unreachable, circuit open), 502 (reset, garbage), 504 (deadline).
 */
final class UpstreamCall {

  private final ServerWebExchange exchange;

  private final GatewayFilterChain chain;

  private final ResilienceGatewayFilterFactory.RoutePolicy policy;

  private final HttpMethod method;

  private final long deadline;

  private final long started = System.nanoTime();

  UpstreamCall(
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      ResilienceGatewayFilterFactory.RoutePolicy policy) {
    this.exchange = exchange;
    this.chain = chain;
    this.policy = policy;
    this.method = exchange.getRequest().getMethod();
    this.deadline = started + policy.timeout().toNanos();
  }

  Mono<Void> run() {
    CircuitBreaker breaker = policy.breaker();
    if (!breaker.tryAcquirePermission()) {
      return Mono.error(
          GatewayProblemException.unavailable(
              "The upstream service is failing; the circuit breaker is open.",
              policy.breakers().retryAfter(breaker),
              null));
    }
    return withReplayableBody()
        .timeout(policy.timeout(), Mono.error(this::deadlineExceeded))
        .doOnSuccess(ignored -> recordResponse(breaker))
        .doOnError(error -> recordError(breaker, error))
        .doOnCancel(breaker::releasePermission);
  }

  /** Bodies of retryable requests are cached (bounded by the edge body limit) for replay. */
  private Mono<Void> withReplayableBody() {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    boolean hasBody =
        headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    if (hasBody && policy.retry().mayRetryAfterSending(method)) {
      return ServerWebExchangeUtils.cacheRequestBody(
          exchange, request -> attempt(exchange.mutate().request(request).build(), 0));
    }
    return attempt(exchange, 0);
  }

  /**
   * One attempt, then its continuation: nothing, a retry, or the failure as a problem. The
   * continuation runs outside this attempt's error handling, so a later attempt's failure is never
   * handled twice.
   */
  private Mono<Void> attempt(ServerWebExchange current, int retries) {
    return Mono.defer(
            () -> {
              if (retries > 0) {
                resetForRetry(current);
              }
              return chain.filter(current);
            })
        .then(Mono.fromSupplier(() -> afterResponse(current, retries)))
        .onErrorResume(error -> Mono.just(afterError(current, retries, error)))
        .flatMap(next -> next);
  }

  private Mono<Void> afterResponse(ServerWebExchange current, int retries) {
    ServiceInstance instance = noteInstance();
    if (instance != null) {
      policy.instances().succeeded(instance);
    }
    HttpStatusCode status = current.getResponse().getStatusCode();
    if (status != null && policy.retry().shouldRetry(method, status, retries)) {
      Mono<Void> retry = retryLater(current, retries);
      if (retry != null) {
        return retry;
      }
    }
    return Mono.empty();
  }

  private Mono<Void> afterError(ServerWebExchange current, int retries, Throwable error) {
    UpstreamFailure failure = UpstreamFailure.of(error);
    ServiceInstance instance = noteInstance();
    if (instance != null && failure == UpstreamFailure.CONNECT) {
      policy.instances().connectFailed(instance);
    }
    if (policy.retry().shouldRetry(method, failure, retries)) {
      Mono<Void> retry = retryLater(current, retries);
      if (retry != null) {
        return retry;
      }
    }
    return Mono.error(toProblem(failure, error));
  }

  /** The next attempt after a backoff, or {@code null} when the deadline leaves no room. */
  private Mono<Void> retryLater(ServerWebExchange current, int retries) {
    Duration backoff = policy.retry().backoff(retries + 1);
    if (System.nanoTime() + backoff.toNanos() >= deadline) {
      return null;
    }
    return Mono.delay(backoff).then(attempt(current, retries + 1));
  }

  /** Records the instance the load balancer chose for the attempt that just ended. */
  private ServiceInstance noteInstance() {
    Response<ServiceInstance> chosen =
        exchange.getAttributes().containsKey(GATEWAY_LOADBALANCER_RESPONSE_ATTR)
            ? exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR)
            : null;
    if (chosen == null || !chosen.hasServer()) {
      return null;
    }
    ServiceInstance instance = chosen.getServer();
    TriedInstances.add(exchange, instance);
    return instance;
  }

  private static void resetForRetry(ServerWebExchange current) {
    // Disposes the discarded response's connection, removes its headers and the routed marker.
    ServerWebExchangeUtils.reset(current);
    current.getAttributes().remove(GATEWAY_LOADBALANCER_RESPONSE_ATTR);
    current.getResponse().setStatusCode(null);
  }

  private void recordResponse(CircuitBreaker breaker) {
    long elapsed = System.nanoTime() - started;
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    int code = status == null ? 200 : status.value();
    if (code == 502 || code == 503 || code == 504) {
      breaker.onError(elapsed, TimeUnit.NANOSECONDS, new UpstreamStatusException(code));
    } else {
      breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
    }
  }

  private void recordError(CircuitBreaker breaker, Throwable error) {
    if (error instanceof GatewayProblemException problem
        && problem.getStatusCode().is5xxServerError()) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, error);
    } else {
      breaker.releasePermission();
    }
  }

  private GatewayProblemException deadlineExceeded() {
    return new GatewayProblemException(
        HttpStatus.GATEWAY_TIMEOUT,
        "The upstream service did not answer within " + policy.timeout().toMillis() + " ms.");
  }

  private Throwable toProblem(UpstreamFailure failure, Throwable error) {
    return switch (failure) {
      case CONNECT ->
          GatewayProblemException.unavailable(
              "No instance of the upstream service accepted a connection.",
              retryAfterForInstances(),
              error);
      case UNAVAILABLE ->
          GatewayProblemException.unavailable(
              "No instance of the upstream service is available.", retryAfterForInstances(), error);
      case RESET ->
          new GatewayProblemException(
              HttpStatus.BAD_GATEWAY,
              "The upstream service reset the connection or answered with an invalid response.",
              error);
      case TIMEOUT ->
          new GatewayProblemException(
              HttpStatus.GATEWAY_TIMEOUT, "The upstream service did not answer in time.", error);
      case CLIENT, OTHER -> error;
    };
  }

  private Duration retryAfterForInstances() {
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    Duration wait =
        route == null
            ? Duration.ZERO
            : policy.instances().untilNextAvailable(route.getUri().getHost());
    return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
  }

  /** A 502/503/504 answer, recorded as a breaker failure. */
  static final class UpstreamStatusException extends RuntimeException {
    UpstreamStatusException(int status) {
      super("upstream answered " + status, null, false, false);
    }
  }
}
