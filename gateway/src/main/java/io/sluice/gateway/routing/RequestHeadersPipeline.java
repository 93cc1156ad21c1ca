package io.sluice.gateway.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The request side of the proxy path's {@link HttpHeadersFilter}s as one filter that copies the
 * client's headers once. SCG runs its filters one after another and each returns a full copy (eight
 * copies of every header per proxied request here, a quarter of all the gateway allocated per
 * request; docs/benchmarks.md). Here the filters run in their order on one mutable copy: {@link
 * InPlaceHeadersFilter}s directly, SCG's stock filters through in-place equivalents of what they
 * do, and any other filter as SCG would run it, on a copy.
 *
 * <p>The response side is left as it is: {@link #of} keeps every filter that supports responses,
 * restricted to responses.
 */
final class RequestHeadersPipeline implements HttpHeadersFilter {

  private final List<HttpHeadersFilter> steps;

  private RequestHeadersPipeline(List<HttpHeadersFilter> steps) {
    this.steps = steps;
  }

  /**
   * The filter list to hand SCG instead of {@code filters} (sorted, as SCG sorts them): the
   * pipeline for requests, followed by the response filters.
   */
  static List<HttpHeadersFilter> of(List<HttpHeadersFilter> filters) {
    List<HttpHeadersFilter> steps = new ArrayList<>();
    List<HttpHeadersFilter> result = new ArrayList<>();
    for (HttpHeadersFilter filter : filters) {
      if (filter.supports(Type.REQUEST)) {
        steps.add(inPlace(filter));
      }
      if (filter.supports(Type.RESPONSE)) {
        result.add(filter.supports(Type.REQUEST) ? new ResponseOnly(filter) : filter);
      }
    }
    result.add(0, new RequestHeadersPipeline(List.copyOf(steps)));
    return List.copyOf(result);
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders headers = input;
    boolean owned = false;
    for (HttpHeadersFilter step : steps) {
      if (step instanceof InPlaceHeadersFilter inPlace) {
        if (!owned) {
          HttpHeaders copy = new HttpHeaders();
          copy.addAll(headers);
          headers = copy;
          owned = true;
        }
        inPlace.apply(headers, exchange);
      } else {
        headers = step.filter(headers, exchange);
        owned = false;
      }
    }
    return headers;
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.REQUEST;
  }

  /**
   * The in-place form of {@code filter}: itself, an equivalent of an SCG stock filter (exact
   * classes only: a subclass may do more), or the filter unchanged.
   */
  private static HttpHeadersFilter inPlace(HttpHeadersFilter filter) {
    if (filter instanceof InPlaceHeadersFilter) {
      return filter;
    }
    Class<?> type = filter.getClass();
    if (type == RemoveForwardedHeadersFilter.class) {
      return (InPlaceHeadersFilter) (headers, exchange) -> headers.remove("Forwarded");
    }
    if (type == RemoveXForwardedHeadersFilter.class) {
      return (InPlaceHeadersFilter)
          (headers, exchange) -> removeIf(headers, name -> name.startsWith("x-forwarded-"));
    }
    if (type == RemoveHopByHopHeadersFilter.class) {
      Set<String> removed = Set.copyOf(((RemoveHopByHopHeadersFilter) filter).getHeaders());
      return (InPlaceHeadersFilter)
          (headers, exchange) -> {
            Set<String> options = connectionOptions(headers);
            removeIf(headers, name -> removed.contains(name) || options.contains(name));
          };
    }
    if (type == TransferEncodingNormalizationHeadersFilter.class) {
      return (InPlaceHeadersFilter)
          (headers, exchange) -> {
            String encoding = headers.getFirst(HttpHeaders.TRANSFER_ENCODING);
            if (encoding != null && encoding.trim().equalsIgnoreCase("chunked")) {
              headers.remove(HttpHeaders.CONTENT_LENGTH);
            }
          };
    }
    if (type == GRPCRequestHeadersFilter.class) {
      return (InPlaceHeadersFilter)
          (headers, exchange) -> {
            String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
            if (contentType != null
                && contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
              headers.add("te", "trailers");
            }
          };
    }
    return filter;
  }

  /** The header names listed in {@code Connection}, lower case. */
  private static Set<String> connectionOptions(HttpHeaders headers) {
    List<String> options = headers.getConnection();
    if (options.isEmpty()) {
      return Set.of();
    }
    Set<String> lower = new HashSet<>();
    for (String option : options) {
      lower.add(option.trim().toLowerCase(Locale.ROOT));
    }
    return lower;
  }

  /** Removes every header whose lower-case name matches. */
  static void removeIf(HttpHeaders headers, Predicate<String> lower) {
    List<String> names = null;
    for (String name : headers.headerNames()) {
      if (lower.test(name.toLowerCase(Locale.ROOT))) {
        if (names == null) {
          names = new ArrayList<>(2);
        }
        names.add(name);
      }
    }
    if (names != null) {
      names.forEach(headers::remove);
    }
  }

  /** A filter that supports requests and responses, for responses only. */
  private record ResponseOnly(HttpHeadersFilter filter) implements HttpHeadersFilter {

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
      return filter.filter(input, exchange);
    }

    @Override
    public boolean supports(Type type) {
      return type == Type.RESPONSE;
    }
  }
}
