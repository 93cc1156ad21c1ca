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
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;

/**
 * The proxy path's {@link HttpHeadersFilter}s as two filters, one per direction, each copying the
 * headers once. SCG runs its filters one after another and each returns a full copy (eight copies
 * of every request header per proxied request here, a quarter of all the gateway allocated per
 * request, and two more of every response header; docs/benchmarks.md). Here the filters run in
 * their order on one mutable copy: {@link InPlaceHeadersFilter}s directly, SCG's stock filters
 * through in-place equivalents of what they do, and any other filter as SCG would run it; a filter
 * that hands back the headers it was given leaves them owned by the pipeline.
 */
final class HeadersPipeline implements HttpHeadersFilter {

  private final Type type;

  private final List<HttpHeadersFilter> steps;

  private HeadersPipeline(Type type, List<HttpHeadersFilter> steps) {
    this.type = type;
    this.steps = steps;
  }

  /**
   * The filter list to hand SCG instead of {@code filters} (sorted, as SCG sorts them): the request
   * pipeline and the response pipeline, each with the filters that support its direction.
   */
  static List<HttpHeadersFilter> of(List<HttpHeadersFilter> filters) {
    List<HttpHeadersFilter> request = new ArrayList<>();
    List<HttpHeadersFilter> response = new ArrayList<>();
    for (HttpHeadersFilter filter : filters) {
      if (filter.supports(Type.REQUEST)) {
        request.add(inPlace(filter));
      }
      if (filter.supports(Type.RESPONSE)) {
        response.add(inPlace(filter));
      }
    }
    return List.of(
        new HeadersPipeline(Type.REQUEST, List.copyOf(request)),
        new HeadersPipeline(Type.RESPONSE, List.copyOf(response)));
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders headers = input;
    boolean owned = false;
    for (HttpHeadersFilter step : steps) {
      if (step instanceof InPlaceHeadersFilter inPlace) {
        if (!owned) {
          headers = OwnedHeaders.of(headers);
          owned = true;
        }
        inPlace.apply(headers, exchange);
      } else {
        HttpHeaders result = step.filter(headers, exchange);
        owned = owned && result == headers;
        headers = result;
      }
    }
    return headers;
  }

  @Override
  public boolean supports(Type type) {
    return type == this.type;
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
          (headers, exchange) ->
              removeIf(headers, name -> startsWithIgnoreCase(name, "x-forwarded-"));
    }
    if (type == RemoveHopByHopHeadersFilter.class) {
      // The same removals in both directions, as SCG's filter does.
      Set<String> removed = Set.copyOf(((RemoveHopByHopHeadersFilter) filter).getHeaders());
      // Header names are case-insensitive: removing each name needs no walk through the headers.
      return (InPlaceHeadersFilter)
          (headers, exchange) -> {
            Set<String> options = connectionOptions(headers);
            removed.forEach(headers::remove);
            options.forEach(headers::remove);
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

  /**
   * Removes every header whose name matches ({@code name} as the headers hold it: match it without
   * regard to case).
   */
  static void removeIf(HttpHeaders headers, Predicate<String> name) {
    List<String> names = null;
    for (String held :
        headers instanceof OwnedHeaders owned ? owned.names() : headers.headerNames()) {
      if (name.test(held)) {
        if (names == null) {
          names = new ArrayList<>(2);
        }
        names.add(held);
      }
    }
    if (names != null) {
      names.forEach(headers::remove);
    }
  }

  /** Whether {@code name} starts with {@code prefix}, ignoring case. */
  static boolean startsWithIgnoreCase(String name, String prefix) {
    return name.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /**
   * A pipeline's copy of the headers, with the case-insensitive map under it at hand: walking its
   * names costs nothing, where {@link HttpHeaders#headerNames()} first builds a second
   * case-insensitive map of them.
   */
  static final class OwnedHeaders extends HttpHeaders {

    private final MultiValueMap<String, String> map;

    private OwnedHeaders(MultiValueMap<String, String> map) {
      super(map);
      this.map = map;
    }

    /**
     * A mutable copy of {@code source}: its own lists of values, names as {@code source} has them.
     */
    static OwnedHeaders of(HttpHeaders source) {
      MultiValueMap<String, String> map =
          CollectionUtils.toMultiValueMap(new LinkedCaseInsensitiveMap<>(16, Locale.ROOT));
      for (String name : source.headerNames()) {
        List<String> values = source.get(name);
        if (values != null) {
          map.put(name, new ArrayList<>(values));
        }
      }
      return new OwnedHeaders(map);
    }

    /** The header names, one per header whatever its case. */
    Set<String> names() {
      return map.keySet();
    }
  }
}
