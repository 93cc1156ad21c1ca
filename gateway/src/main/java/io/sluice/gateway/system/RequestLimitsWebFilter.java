package io.sluice.gateway.system;

import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.common.requestid.RequestIdWebFilter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Refuses requests whose header fields (431) or body (413) exceed {@link EdgeProperties}. A body
 * announced by {@code Content-Length} is refused before it is read; a chunked body is counted as it
 * streams to the backend and the request fails as soon as it crosses the limit.
 */
public class RequestLimitsWebFilter implements WebFilter, Ordered {

  /** After the error renderer, before routing. */
  public static final int ORDER = RequestIdWebFilter.ORDER + 30;

  private final long maxBodyBytes;

  private final long maxHeaderBytes;

  public RequestLimitsWebFilter(EdgeProperties properties) {
    this.maxBodyBytes = properties.maxBodySize().toBytes();
    this.maxHeaderBytes = properties.maxHeaderSize().toBytes();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (headerBytes(request) > maxHeaderBytes) {
      return Mono.error(
          new GatewayProblemException(
              HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "The request header fields exceed " + maxHeaderBytes + " bytes."));
    }
    long contentLength = request.getHeaders().getContentLength();
    if (contentLength > maxBodyBytes) {
      return Mono.error(tooLarge());
    }
    if (contentLength < 0
        && request
            .getHeaders()
            .containsHeader(org.springframework.http.HttpHeaders.TRANSFER_ENCODING)) {
      return chain.filter(exchange.mutate().request(new LimitedBody(request)).build());
    }
    return chain.filter(exchange);
  }

  private GatewayProblemException tooLarge() {
    return new GatewayProblemException(
        HttpStatus.CONTENT_TOO_LARGE, "The request body exceeds " + maxBodyBytes + " bytes.");
  }

  /** Header size as Netty counts it: name, value and the ": " plus CRLF around them. */
  static long headerBytes(ServerHttpRequest request) {
    Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    long total = 0;
    if (nativeRequest instanceof HttpServerRequest netty) {
      HttpHeaders headers = netty.requestHeaders();
      Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
      while (it.hasNext()) {
        Map.Entry<CharSequence, CharSequence> header = it.next();
        total += header.getKey().length() + header.getValue().length() + 4;
      }
      return total;
    }
    for (Map.Entry<String, List<String>> header : request.getHeaders().headerSet()) {
      for (String value : header.getValue()) {
        total += header.getKey().length() + value.length() + 4;
      }
    }
    return total;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Counts a streamed body per subscription and fails once it crosses the limit. */
  private final class LimitedBody extends ServerHttpRequestDecorator {

    LimitedBody(ServerHttpRequest delegate) {
      super(delegate);
    }

    @Override
    public Flux<DataBuffer> getBody() {
      return Flux.defer(
          () -> {
            long[] seen = {0};
            return super.getBody()
                .handle(
                    (buffer, sink) -> {
                      seen[0] += buffer.readableByteCount();
                      if (seen[0] > maxBodyBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge());
                      } else {
                        sink.next(buffer);
                      }
                    });
          });
    }
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "RequestLimitsWebFilter";
  }
}
