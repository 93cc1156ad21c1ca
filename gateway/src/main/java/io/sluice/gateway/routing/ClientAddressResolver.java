package io.sluice.gateway.routing;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address, as far as the gateway can vouch for it: the TCP peer, unless the peer is a
 * trusted proxy ({@code sluice.edge.trusted-proxies}). Then the proxies' {@code X-Forwarded-For} is
 * read from the right, skipping trusted proxies: the first address that is not one is the client,
 * and whatever a client wrote further left is never believed. RFC 7239 {@code Forwarded} ({@code
 * for=}) is read the same way, but only when there is no {@code X-Forwarded-For}: ingress
 * controllers append to {@code X-Forwarded-For} and pass a client's own {@code Forwarded} through.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239">RFC 7239</a>
 */
public final class ClientAddressResolver {

  private final ProxyTrust trust;

  /** Resolves through {@code trustedProxies} (IP addresses or CIDR blocks). */
  public ClientAddressResolver(List<String> trustedProxies) {
    this.trust = new ProxyTrust(trustedProxies);
  }

  /** The client's IP address as text, or {@code unknown} when there is no peer address. */
  public String resolve(ServerHttpRequest request) {
    InetSocketAddress remote = request.getRemoteAddress();
    InetAddress client = remote == null ? null : remote.getAddress();
    if (client == null) {
      return "unknown";
    }
    if (trust.isTrusted(client)) {
      List<String> hops = hops(request.getHeaders());
      for (int i = hops.size() - 1; i >= 0; i--) {
        InetAddress hop = literal(hops.get(i));
        if (hop == null) {
          // Obfuscated ("unknown", "_hidden") or garbage: nothing further left can be vouched for.
          break;
        }
        client = hop;
        if (!trust.isTrusted(hop)) {
          break;
        }
      }
    }
    return client.getHostAddress();
  }

  /** The addresses the proxies reported, the one nearest the client first. */
  private static List<String> hops(HttpHeaders headers) {
    List<String> hops = new ArrayList<>(4);
    List<String> forwardedFor = headers.getValuesAsList("X-Forwarded-For");
    if (!forwardedFor.isEmpty()) {
      hops.addAll(forwardedFor);
      return hops;
    }
    for (String element : headers.getValuesAsList("Forwarded")) {
      String hop = null;
      for (String pair : element.split(";")) {
        int equals = pair.indexOf('=');
        if (equals > 0 && pair.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("for")) {
          hop = pair.substring(equals + 1).trim();
        }
      }
      // An element without for= still stands for a hop, one that cannot be vouched for.
      hops.add(hop == null ? "unknown" : hop);
    }
    return hops;
  }

  /** An IP literal, without quotes, brackets or port; {@code null} for anything else (no DNS). */
  private static InetAddress literal(String hop) {
    String value = hop.trim();
    if (value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      value = close < 0 ? "" : value.substring(1, close);
    } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') > 0) {
      value = value.substring(0, value.indexOf(':'));
    }
    return NetUtil.createInetAddressFromIpAddressString(value);
  }
}
