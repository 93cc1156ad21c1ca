package io.sluice.users.system;

import io.sluice.common.token.InternalTokenClaims.Scopes;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Who may call what: every {@code /api/**} request carries the gateway's internal token, and its
 * {@code scope} decides reads, writes and key administration; the gateway's key verification under
 * {@code /internal/api-keys} needs {@code keys:admin} too. Everything else (unknown paths) is open
 * so that it can answer 404. Stateless: no session, no CSRF (no cookies are ever accepted).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final String READ = "SCOPE_" + Scopes.USERS_READ;
  private static final String WRITE = "SCOPE_" + Scopes.USERS_WRITE;
  private static final String KEYS_ADMIN = "SCOPE_" + Scopes.KEYS_ADMIN;

  @Bean
  ReactiveJwtDecoder internalTokenDecoder(InternalAuthProperties properties) {
    return InternalTokenDecoder.create(properties, Clock.systemUTC());
  }

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http, ReactiveJwtDecoder decoder, ProblemSecurityHandlers problems) {
    String[] users = {"/api/users", "/api/users/**"};
    return http.authorizeExchange(
            exchanges ->
                exchanges
                    .pathMatchers(HttpMethod.GET, users)
                    .hasAuthority(READ)
                    .pathMatchers(HttpMethod.HEAD, users)
                    .hasAuthority(READ)
                    .pathMatchers(HttpMethod.POST, users)
                    .hasAuthority(WRITE)
                    .pathMatchers(HttpMethod.PUT, users)
                    .hasAuthority(WRITE)
                    .pathMatchers(HttpMethod.PATCH, users)
                    .hasAuthority(WRITE)
                    .pathMatchers(HttpMethod.DELETE, users)
                    .hasAuthority(WRITE)
                    .pathMatchers("/api/keys", "/api/keys/**")
                    .hasAuthority(KEYS_ADMIN)
                    .pathMatchers("/internal/api-keys", "/internal/api-keys/**")
                    .hasAuthority(KEYS_ADMIN)
                    .pathMatchers("/api/**")
                    .authenticated()
                    .anyExchange()
                    .permitAll())
        .oauth2ResourceServer(
            oauth2 ->
                oauth2
                    .jwt(jwt -> jwt.jwtDecoder(decoder))
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // Caching is the gateway's decision (it honours ETag); Security's blanket "no-store"
        // would contradict the ETags this service sends.
        .headers(headers -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable))
        .build();
  }
}
