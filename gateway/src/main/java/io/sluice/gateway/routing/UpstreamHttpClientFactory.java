package io.sluice.gateway.routing;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * SCG's HTTP client, with the pool and timeouts from Sluice's own validated properties instead of
 * {@code spring.cloud.gateway.server.webflux.httpclient.*}. Reactor Netty picks the native epoll
 * transport on Linux and shares the server's event loops; {@link LoopAffineRoutingFilter} gives
 * each loop a pool of its own, so a proxied exchange stays on one thread.
 */
class UpstreamHttpClientFactory extends HttpClientFactory {

  private final UpstreamClientProperties pool;

  private final Duration connectTimeout;

  private final Duration bodyIdleTimeout;

  UpstreamHttpClientFactory(
      HttpClientProperties properties,
      ServerProperties serverProperties,
      HttpClientSslConfigurer sslConfigurer,
      List<HttpClientCustomizer> customizers,
      UpstreamClientProperties pool,
      Duration connectTimeout,
      Duration bodyIdleTimeout) {
    super(properties, serverProperties, sslConfigurer, customizers);
    this.pool = pool;
    this.connectTimeout = connectTimeout;
    this.bodyIdleTimeout = bodyIdleTimeout;
  }

  @Override
  protected HttpClient createInstance() {
    return super.createInstance()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        // Between reads of a response: catches a backend that stalls mid-body, after the route
        // deadline (which ends when the response headers arrive) no longer applies.
        .responseTimeout(bodyIdleTimeout);
  }

  @Override
  protected ConnectionProvider buildConnectionProvider(HttpClientProperties ignored) {
    // One pool per event loop (LoopAffineRoutingFilter): the limits are shared out between them.
    int loops = LoopResources.DEFAULT_IO_WORKER_COUNT;
    return ConnectionProvider.builder("upstream")
        .maxConnections(perLoop(pool.maxConnections(), loops))
        .pendingAcquireMaxCount(perLoop(pool.maxPendingAcquires(), loops))
        .pendingAcquireTimeout(pool.pendingAcquireTimeout())
        .maxIdleTime(pool.maxIdleTime())
        .maxLifeTime(pool.maxLifeTime())
        .evictInBackground(pool.evictionInterval())
        // Most recently used first: a warm core of connections serves the load and the rest go
        // idle and are evicted, instead of every connection hovering near the idle limit.
        .lifo()
        .metrics(true)
        .build();
  }

  /** {@code total} shared out between {@code loops} pools, at least 1 each. */
  static int perLoop(int total, int loops) {
    return Math.max(1, (total + loops - 1) / loops);
  }
}
