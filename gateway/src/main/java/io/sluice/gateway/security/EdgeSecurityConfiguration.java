package io.sluice.gateway.security;

import io.netty.channel.ChannelOption;
import io.sluice.common.token.InternalTokenClaims.Scopes;
import io.sluice.gateway.ratelimit.RateLimitSubject;
import io.sluice.gateway.ratelimit.RateLimitSubjectResolver;
import io.sluice.gateway.ratelimit.ResilientRateLimiter;
import io.sluice.gateway.routing.ClientAddressResolver;
import io.sluice.gateway.system.EdgeProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Edge authentication: API key verification, its cache, and who rate limits count against. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeyProperties.class)
class EdgeSecurityConfiguration {

  /** Shortest bootstrap administrator key accepted; shorter ones are guessable. */
  static final int MIN_ADMIN_KEY_LENGTH = 16;

  @Bean
  ApiKeyLookup userServiceApiKeyLookup(
      ReactorLoadBalancerExchangeFilterFunction loadBalancer,
      InternalTokenIssuer tokens,
      ApiKeyProperties properties) {
    HttpClient http = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1_000);
    WebClient client =
        WebClient.builder()
            .baseUrl("http://user-service")
            .clientConnector(new ReactorClientHttpConnector(http))
            .filter(loadBalancer)
            .build();
    return new UserServiceApiKeyLookup(client, tokens, properties.verifyTimeout());
  }

  @Bean
  ApiKeyVerifier apiKeyVerifier(
      ApiKeyLookup lookup, ApiKeyProperties properties, SecurityProperties security) {
    String adminKey = security.adminApiKey();
    if (adminKey == null || adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
      throw new IllegalStateException(
          "ADMIN_API_KEY must be set to the bootstrap administrator key (at least "
              + MIN_ADMIN_KEY_LENGTH
              + " characters); the local stack generates one");
    }
    ClientIdentity admin =
        new ClientIdentity(
            "admin",
            properties.adminPlan(),
            Scopes.USERS_READ + " " + Scopes.USERS_WRITE + " " + Scopes.KEYS_ADMIN);
    return new ApiKeyVerifier(lookup, properties, adminKey, admin, System::nanoTime);
  }

  @Bean
  ApiKeyAuthenticationWebFilter apiKeyAuthenticationWebFilter(
      ApiKeyVerifier verifier,
      ResilientRateLimiter limiter,
      EdgeProperties edge,
      ApiKeyProperties properties) {
    return new ApiKeyAuthenticationWebFilter(
        verifier, limiter, new ClientAddressResolver(edge.trustedProxies()), properties);
  }

  /** Limits count against the authenticated key and follow its plan. */
  @Bean
  RateLimitSubjectResolver identityRateLimitSubjectResolver() {
    return exchange -> {
      ClientIdentity identity = exchange.getAttribute(ClientIdentity.ATTRIBUTE);
      return identity == null
          ? Mono.empty()
          : Mono.just(new RateLimitSubject("key:" + identity.subject(), identity.plan()));
    };
  }
}
