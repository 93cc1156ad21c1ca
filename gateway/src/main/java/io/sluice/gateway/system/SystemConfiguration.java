package io.sluice.gateway.system;

import io.lettuce.core.resource.ClientResources;
import io.sluice.common.netty.KeepAliveReadGuard;
import io.sluice.common.requestid.RequestIdWebFilter;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Edge plumbing every request goes through: request id, limits, problem rendering. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

  /** The request path's Redis connection, on Lettuce's shared threads (see the class). */
  @Bean
  RequestPathRedis requestPathRedis(RedisProperties properties, ClientResources resources) {
    return new RequestPathRedis(properties, resources);
  }

  @Bean
  InitializingBean managementPortGuard(
      @Value("${server.port:8080}") int serverPort,
      @Value("${management.server.port:-1}") int managementPort) {
    return () -> ManagementPortGuard.check(serverPort, managementPort);
  }

  /**
   * The id reaches backends through the proxy's headers (routing's RequestIdHeadersFilter); the
   * access log and problem renderer read it from the exchange, so no Reactor context entry.
   */
  @Bean
  RequestIdWebFilter requestIdWebFilter() {
    return RequestIdWebFilter.forProxy();
  }

  /** Sluice's web filters chained directly to each other (see the class). */
  @Bean
  WebHttpHandlerBuilderCustomizer edgeWebFilters() {
    return EdgeWebFilters.customizer();
  }

  @Bean
  ErrorRenderingWebFilter errorRenderingWebFilter(ProblemRenderer renderer) {
    return new ErrorRenderingWebFilter(renderer);
  }

  @Bean
  ProblemWebExceptionHandler problemWebExceptionHandler(ProblemRenderer renderer) {
    return new ProblemWebExceptionHandler(renderer);
  }

  @Bean
  RequestLimitsWebFilter requestLimitsWebFilter(EdgeProperties properties) {
    return new RequestLimitsWebFilter(properties);
  }

  /**
   * Netty's own header limit sits above ours so that oversized headers normally reach {@link
   * RequestLimitsWebFilter} and get a problem body; Netty's bare 431 only bounds memory.
   */
  @Bean
  WebServerFactoryCustomizer<NettyReactiveWebServerFactory> headerLimitCustomizer(
      EdgeProperties properties) {
    int nettyLimit = (int) properties.maxHeaderSize().toBytes() * 2;
    return new OrderedCustomizer(nettyLimit);
  }

  /** See {@link KeepAliveReadGuard}: connections stay readable after a queued request. */
  @Bean
  NettyServerCustomizer keepAliveReadGuard() {
    return server ->
        server.doOnChannelInit(
            (observer, channel, remoteAddress) -> KeepAliveReadGuard.install(channel.pipeline()));
  }

  private record OrderedCustomizer(int nettyLimit)
      implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
      factory.addServerCustomizers(
          server -> server.httpRequestDecoder(spec -> spec.maxHeaderSize(nettyLimit)));
    }

    @Override
    public int getOrder() {
      // After Boot's customizer, which applies server.max-http-request-header-size.
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
