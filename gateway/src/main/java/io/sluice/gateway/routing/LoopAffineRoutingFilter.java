package io.sluice.gateway.routing;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

/**
 * SCG's routing filter, with each proxied request's upstream connection taken from a pool on the
 * event loop that serves the client's connection. SCG's single pool hands out any idle connection,
 * whatever its event loop: then the request is written, and the response written back, by tasks
 * handed between two threads, each hand-off a queue operation and often a wake-up. With one pool
 * per event loop the whole exchange stays on one thread (measured: about a quarter of the gateway's
 * CPU per request went to those hand-offs; docs/benchmarks.md).
 *
 * <p>The pools share one {@code ConnectionProvider} (Reactor Netty keeps a pool per address and
 * client configuration, and each loop's client is its own configuration), whose limits are divided
 * between the loops by {@link UpstreamHttpClientFactory}. Requests that are not served by a server
 * event loop (the cache's background refreshes) and routes with their own client settings use the
 * shared client as before.
 *
 * <p>The headers go through {@link HeadersPipeline}, both ways: SCG's header filters, and Sluice's,
 * on one copy of the headers instead of one copy per filter.
 */
class LoopAffineRoutingFilter extends NettyRoutingFilter {

  /** More loops than any server runs: past it, requests fall back to the shared client. */
  private static final int MAX_LOOPS = 256;

  private final HttpClient shared;

  private final Map<EventLoop, HttpClient> perLoop = new ConcurrentHashMap<>();

  /** SCG's filter list and the pipeline made of it. */
  private record Pipeline(List<HttpHeadersFilter> source, List<HttpHeadersFilter> filters) {}

  private volatile Pipeline pipeline;

  LoopAffineRoutingFilter(
      HttpClient httpClient,
      ObjectProvider<List<HttpHeadersFilter>> headersFilters,
      HttpClientProperties properties) {
    super(httpClient, headersFilters, properties);
    this.shared = httpClient;
  }

  @Override
  public List<HttpHeadersFilter> getHeadersFilters() {
    List<HttpHeadersFilter> source = super.getHeadersFilters();
    if (source == null) {
      return null;
    }
    Pipeline current = pipeline;
    if (current == null || current.source() != source) {
      current = new Pipeline(source, HeadersPipeline.of(source));
      pipeline = current;
    }
    return current.filters();
  }

  @Override
  protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
    HttpClient client = super.getHttpClient(route, exchange);
    if (client != shared) {
      return client;
    }
    EventLoop loop = serverLoop(exchange);
    if (loop == null) {
      return client;
    }
    HttpClient affine = perLoop.get(loop);
    if (affine == null) {
      if (perLoop.size() >= MAX_LOOPS) {
        return client;
      }
      affine = perLoop.computeIfAbsent(loop, shared::runOn);
    }
    return affine;
  }

  /**
   * The event loop of the client's connection, or {@code null} if it has none: not a Reactor Netty
   * request, or one whose exchange has ended (a background refresh outliving its request).
   */
  static EventLoop serverLoop(ServerWebExchange exchange) {
    Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
    if (nativeRequest instanceof Connection connection) {
      Channel channel = connection.channel();
      return channel.isRegistered() ? channel.eventLoop() : null;
    }
    return null;
  }

  /** How many event loops have a pool of their own so far. */
  int loops() {
    return perLoop.size();
  }
}
