package io.sluice.gateway.cache;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ALREADY_ROUTED_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.gateway.routing.TriedInstances;
import java.util.HashMap;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A copy of a client's exchange for a background refresh: the same route, identity and request
 * (with the cache's own validator), but attributes of its own and a response that goes nowhere, so
 * the refresh can run through the rest of the route after the client was answered without touching
 * the client's exchange.
 */
final class DetachedExchange extends ServerWebExchangeDecorator {

  private final ServerHttpRequest request;
  private final ServerHttpResponse response = new DetachedResponse();
  private final Map<String, Object> attributes;

  DetachedExchange(ServerWebExchange original, ServerHttpRequest request) {
    super(original);
    this.request = request;
    this.attributes = new HashMap<>(original.getAttributes());
    for (String attempt :
        new String[] {
          CLIENT_RESPONSE_ATTR,
          CLIENT_RESPONSE_CONN_ATTR,
          CLIENT_RESPONSE_HEADER_NAMES,
          GATEWAY_ALREADY_ROUTED_ATTR,
          GATEWAY_LOADBALANCER_RESPONSE_ATTR,
          TriedInstances.ATTRIBUTE
        }) {
      attributes.remove(attempt);
    }
  }

  @Override
  public ServerHttpRequest getRequest() {
    return request;
  }

  @Override
  public ServerHttpResponse getResponse() {
    return response;
  }

  @Override
  public Map<String, Object> getAttributes() {
    return attributes;
  }

  /** Takes status and headers; releases any body written to it. */
  private static final class DetachedResponse extends AbstractServerHttpResponse {

    DetachedResponse() {
      super(new NettyDataBufferFactory(ByteBufAllocator.DEFAULT));
    }

    @Override
    public <T> T getNativeResponse() {
      throw new IllegalStateException("a detached response has no native response");
    }

    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
      return Flux.from(body).doOnNext(DataBufferUtils::release).then();
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(
        Publisher<? extends Publisher<? extends DataBuffer>> body) {
      return Flux.from(body).concatMap(this::writeWithInternal).then();
    }

    @Override
    protected void applyStatusCode() {}

    @Override
    protected void applyHeaders() {}

    @Override
    protected void applyCookies() {}
  }
}
