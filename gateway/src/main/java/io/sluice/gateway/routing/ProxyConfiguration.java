package io.sluice.gateway.routing;

import io.sluice.gateway.resilience.ResilienceProperties;
import io.sluice.gateway.system.EdgeProperties;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/** The proxying machinery: the upstream HTTP client and what it sends and returns in headers. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

  @Bean
  HttpClientFactory gatewayHttpClientFactory(
      HttpClientProperties properties,
      ServerProperties serverProperties,
      HttpClientSslConfigurer sslConfigurer,
      List<HttpClientCustomizer> customizers,
      UpstreamClientProperties pool,
      ResilienceProperties resilience) {
    if (pool.pendingAcquireTimeout().compareTo(resilience.shortestRouteTimeout()) >= 0) {
      throw new IllegalStateException(
          "sluice.upstream-client.pending-acquire-timeout ("
              + pool.pendingAcquireTimeout()
              + ") must be shorter than the shortest route timeout ("
              + resilience.shortestRouteTimeout()
              + ")");
    }
    return new UpstreamHttpClientFactory(
        properties,
        serverProperties,
        sslConfigurer,
        customizers,
        pool,
        resilience.connectTimeout(),
        resilience.longestRouteTimeout().plusSeconds(1));
  }

  /** Replaces SCG's routing filter, switched off in application.yml ({@code netty-routing}). */
  @Bean
  LoopAffineRoutingFilter loopAffineRoutingFilter(
      HttpClient httpClient,
      ObjectProvider<List<HttpHeadersFilter>> headersFilters,
      HttpClientProperties properties) {
    return new LoopAffineRoutingFilter(httpClient, headersFilters, properties);
  }

  /**
   * SCG's response writer, which SCG defines only while its own routing filter is enabled; as SCG
   * configures it.
   */
  @Bean
  NettyWriteResponseFilter nettyWriteResponseFilter(
      GatewayProperties properties, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
    return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), headersFilters);
  }

  @Bean
  WholeResponseWriteFilter wholeResponseWriteFilter(UpstreamClientProperties pool) {
    return new WholeResponseWriteFilter((int) pool.singleWriteLimit().toBytes());
  }

  @Bean
  ForwardedHeadersPolicy forwardedHeadersPolicy(EdgeProperties edge) {
    return new ForwardedHeadersPolicy(new ProxyTrust(edge.trustedProxies()));
  }

  @Bean
  RequestIdHeadersFilter requestIdHeadersFilter() {
    return new RequestIdHeadersFilter();
  }

  @Bean
  UpstreamResponseHeadersFilter upstreamResponseHeadersFilter() {
    return new UpstreamResponseHeadersFilter();
  }
}
