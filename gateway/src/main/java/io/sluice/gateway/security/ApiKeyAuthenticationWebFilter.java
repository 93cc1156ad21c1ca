package io.sluice.gateway.security;

import io.sluice.common.http.SluiceHeaders;
import io.sluice.common.requestid.RequestIdWebFilter;
import io.sluice.gateway.ratelimit.LimitSpec;
import io.sluice.gateway.ratelimit.ResilientRateLimiter;
import io.sluice.gateway.routing.ClientAddressResolver;
import io.sluice.gateway.system.GatewayProblemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Authenticates every {@code /api/**} request by its {@code X-API-Key} before anything else touches
 * it: missing, unknown or revoked keys get 401 with {@code WWW-Authenticate}, keys without the
 * scope the request needs 403 (both decided on {@link ScopePolicy#routingView the path routing
 * matches}, so {@code /%61pi/users} is {@code /api/users} here too), keys in the query string 400.
 * Verifications not answered from memory are charged to the client address (resolved through
 * trusted proxies, so clients behind an ingress do not share one budget), so key guessing runs into
 * 429. The resolved identity goes into {@link ClientIdentity#ATTRIBUTE}; identity headers sent by
 * the client are removed.
 */
class ApiKeyAuthenticationWebFilter implements WebFilter, Ordered {

  /** After request id, access log, error rendering and header/body limits; before routing. */
  static final int ORDER = RequestIdWebFilter.ORDER + 40;

  static final String CHALLENGE =
      "ApiKey realm=\"sluice\", header=\"" + SluiceHeaders.API_KEY + "\"";

  /** Query parameters clients use to pass keys elsewhere; refused so keys stay out of logs. */
  private static final Set<String> KEY_PARAMETERS =
      Set.of("api_key", "apikey", "api-key", "x-api-key", "key", "access_token");

  /** Headers that could claim an identity downstream; only the internal token may. */
  private static final List<String> IDENTITY_HEADER_PREFIXES =
      List.of("x-sluice-", "x-authenticated-", "x-consumer-", "x-user", "x-api-key-", "x-auth-");

  /** Compared without regard to case, as header names are. */
  private static final Set<String> IDENTITY_HEADERS =
      caseInsensitive(
          "x-client-id",
          "x-plan",
          "x-scope",
          "x-scopes",
          "x-forwarded-user",
          "x-remote-user",
          "remote-user",
          "x-principal");

  /**
   * Spring's adapter of a Reactor Netty request (package-private there); a request rebuilt by
   * {@code mutate()} is another class, with headers of its own.
   */
  private static final String REACTOR_REQUEST =
      "org.springframework.http.server.reactive.ReactorServerHttpRequest";

  private final ApiKeyVerifier verifier;
  private final ResilientRateLimiter limiter;
  private final ClientAddressResolver addresses;
  private final List<LimitSpec> lookupLimit;
  private final boolean enabled;

  ApiKeyAuthenticationWebFilter(
      ApiKeyVerifier verifier,
      ResilientRateLimiter limiter,
      ClientAddressResolver addresses,
      ApiKeyProperties properties) {
    this.verifier = verifier;
    this.limiter = limiter;
    this.addresses = addresses;
    this.enabled = properties.enabled();
    this.lookupLimit =
        List.of(LimitSpec.of("key-lookups", properties.lookupsPerMinute(), Duration.ofMinutes(1)));
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    // Decide on the path as the route predicates see it, or an encoded variant routes unchecked.
    String path = ScopePolicy.routingView(request.getPath().pathWithinApplication());
    if (!enabled || (!path.equals("/api") && !path.startsWith("/api/"))) {
      return chain.filter(exchange);
    }
    for (String parameter : request.getQueryParams().keySet()) {
      if (KEY_PARAMETERS.contains(parameter.toLowerCase(Locale.ROOT))) {
        return Mono.error(
            new GatewayProblemException(
                HttpStatus.BAD_REQUEST,
                "API keys are accepted only in the " + SluiceHeaders.API_KEY + " header."));
      }
    }
    List<String> keys = request.getHeaders().getValuesAsList(SluiceHeaders.API_KEY);
    if (keys.size() > 1) {
      return Mono.error(
          new GatewayProblemException(
              HttpStatus.BAD_REQUEST, "Send exactly one " + SluiceHeaders.API_KEY + " header."));
    }
    String key = keys.isEmpty() ? null : keys.get(0);
    if (key == null || key.isBlank()) {
      return Mono.error(unauthorized("This API needs an API key in the X-API-Key header."));
    }
    // The administrator's key and keys verified lately are known at once: then the request goes
    // on without a reactive step of this filter around the rest of it.
    String presented = key.trim();
    Optional<ClientIdentity> admin = verifier.administrator(presented);
    if (admin.isPresent()) {
      return proceed(admin.get(), path, exchange, chain);
    }
    String hash = ApiKeyHash.of(presented);
    Optional<ClientIdentity> known = verifier.cached(hash);
    if (known.isPresent()) {
      return proceed(known.get(), path, exchange, chain);
    }
    return lookUp(hash, exchange)
        .switchIfEmpty(Mono.error(() -> unauthorized("The API key is unknown or revoked.")))
        .flatMap(identity -> proceed(identity, path, exchange, chain));
  }

  /** 403 without the scope the request needs; otherwise the request goes on as {@code identity}. */
  private static Mono<Void> proceed(
      ClientIdentity identity, String path, ServerWebExchange exchange, WebFilterChain chain) {
    String scope = ScopePolicy.required(exchange.getRequest().getMethod(), path);
    if (!ScopePolicy.covers(identity.scope(), scope)) {
      return Mono.error(
          new GatewayProblemException(
              HttpStatus.FORBIDDEN, "The API key lacks the scope " + scope + "."));
    }
    exchange.getAttributes().put(ClientIdentity.ATTRIBUTE, identity);
    return chain.filter(withoutIdentityHeaders(exchange));
  }

  /**
   * Asks user-service about a key this replica does not know, charged to the client's address (key
   * guessing runs into 429).
   */
  private Mono<ClientIdentity> lookUp(String hash, ServerWebExchange exchange) {
    return limiter
        .consume("addr:" + addresses.resolve(exchange.getRequest()), lookupLimit)
        .flatMap(
            decision ->
                decision.allowed()
                    ? verifier
                        .verify(hash)
                        .onErrorMap(
                            error -> !(error instanceof GatewayProblemException),
                            error ->
                                GatewayProblemException.unavailable(
                                    "API keys cannot be verified right now.",
                                    Duration.ofSeconds(1),
                                    error))
                    : Mono.error(tooManyLookups(decision.retryAfterMicros())));
  }

  private static ServerWebExchange withoutIdentityHeaders(ServerWebExchange exchange) {
    List<String> forged = identityHeaderNames(exchange.getRequest());
    if (forged == null) {
      return exchange;
    }
    ServerHttpRequest stripped =
        exchange.getRequest().mutate().headers(h -> forged.forEach(h::remove)).build();
    return exchange.mutate().request(stripped).build();
  }

  /**
   * The names of the identity headers {@code request} carries, or null when none. Every request
   * goes through here: the request as Reactor Netty made it (not rebuilt by a filter) is read
   * straight from Netty's headers, since Spring's {@link HttpHeaders#headerNames()} first copies
   * every name into a new case-insensitive set.
   */
  static List<String> identityHeaderNames(ServerHttpRequest request) {
    List<String> forged = null;
    io.netty.handler.codec.http.HttpHeaders received = nettyHeaders(request);
    if (received != null) {
      Iterator<Map.Entry<CharSequence, CharSequence>> headers = received.iteratorCharSequence();
      while (headers.hasNext()) {
        CharSequence name = headers.next().getKey();
        // Every identity header starts with "x-" or "remote-": most names need no String.
        char first = name.length() == 0 ? ' ' : Character.toLowerCase(name.charAt(0));
        if ((first == 'x' || first == 'r') && isIdentityHeader(name.toString())) {
          forged = add(forged, name.toString());
        }
      }
      return forged;
    }
    for (String name : request.getHeaders().headerNames()) {
      if (isIdentityHeader(name)) {
        forged = add(forged, name);
      }
    }
    return forged;
  }

  private static List<String> add(List<String> names, String name) {
    List<String> list = names == null ? new ArrayList<>(2) : names;
    list.add(name);
    return list;
  }

  /**
   * Netty's headers of {@code request} when they are the request's headers: Reactor Netty's own
   * request, at most behind decorators that do not change headers; otherwise null.
   */
  private static io.netty.handler.codec.http.HttpHeaders nettyHeaders(ServerHttpRequest request) {
    ServerHttpRequest inner = request;
    while (inner instanceof ServerHttpRequestDecorator decorator
        && decorator.getHeaders() == decorator.getDelegate().getHeaders()) {
      inner = decorator.getDelegate();
    }
    if (inner instanceof AbstractServerHttpRequest received
        && received.getClass().getName().equals(REACTOR_REQUEST)
        && received.getNativeRequest() instanceof HttpServerRequest reactor) {
      return reactor.requestHeaders();
    }
    return null;
  }

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return Collections.unmodifiableSet(set);
  }

  static boolean isIdentityHeader(String name) {
    if (name.equalsIgnoreCase("x-api-key") || name.equalsIgnoreCase("x-request-id")) {
      return false;
    }
    if (IDENTITY_HEADERS.contains(name)) {
      return true;
    }
    for (String prefix : IDENTITY_HEADER_PREFIXES) {
      if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }

  private static GatewayProblemException unauthorized(String detail) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
    return GatewayProblemException.withHeaders(HttpStatus.UNAUTHORIZED, detail, headers);
  }

  private static GatewayProblemException tooManyLookups(long retryAfterMicros) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(
        HttpHeaders.RETRY_AFTER,
        Long.toString(Math.max(1, (retryAfterMicros + 999_999) / 1_000_000)));
    return GatewayProblemException.withHeaders(
        HttpStatus.TOO_MANY_REQUESTS,
        "Too many API key verifications from this address; retry later.",
        headers);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "ApiKeyAuthenticationWebFilter";
  }
}
