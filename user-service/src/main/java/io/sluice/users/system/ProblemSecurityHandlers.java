package io.sluice.users.system;

import io.sluice.common.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's 401 and 403 as problems. The {@code WWW-Authenticate} challenge follows RFC
 * 6750; the detail stays generic so that a probing caller learns nothing about why a token failed.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 section 3</a>
 */
@Component
class ProblemSecurityHandlers implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

  private final ProblemResponseWriter writer;

  ProblemSecurityHandlers(ProblemResponseWriter writer) {
    this.writer = writer;
  }

  /** 401: no token, or one that is malformed, badly signed, expired or not meant for us. */
  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
    boolean missing = ex instanceof AuthenticationCredentialsNotFoundException;
    HttpHeaders headers = new HttpHeaders();
    headers.set(
        HttpHeaders.WWW_AUTHENTICATE, missing ? "Bearer" : "Bearer error=\"invalid_token\"");
    String detail =
        missing
            ? "This endpoint requires an internal bearer token."
            : "The bearer token is invalid or expired.";
    return writer.write(exchange, Problems.of(HttpStatus.UNAUTHORIZED, detail), headers);
  }

  /** 403: a valid token whose scope does not cover the request. */
  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
    return writer.write(
        exchange,
        Problems.of(HttpStatus.FORBIDDEN, "The token's scope does not allow this request."),
        headers);
  }
}
