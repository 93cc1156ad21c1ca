package io.sluice.gateway.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Whether a peer address is one of the configured trusted proxies (IP addresses or CIDR blocks).
 */
final class ProxyTrust {

  private final List<Block> blocks;

  ProxyTrust(List<String> trustedProxies) {
    this.blocks = trustedProxies.stream().map(ProxyTrust::parse).toList();
  }

  boolean isTrusted(InetAddress peer) {
    if (peer == null || blocks.isEmpty()) {
      return false;
    }
    byte[] address = peer.getAddress();
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static Block parse(String spec) {
    String trimmed = spec.trim();
    int slash = trimmed.indexOf('/');
    String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!host.matches("[0-9a-fA-F.:]+")) {
      // Literal addresses only: resolving names here would block and could be spoofed.
      throw new IllegalArgumentException(
          "sluice.edge.trusted-proxies entry '" + spec + "' is not an IP address or CIDR block");
    }
    try {
      byte[] network = InetAddress.getByName(host).getAddress();
      int bits = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException(
            "sluice.edge.trusted-proxies entry '" + spec + "' has an invalid prefix length");
      }
      return new Block(network, bits);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "sluice.edge.trusted-proxies entry '" + spec + "' is not an IP address or CIDR block");
    }
  }

  private record Block(byte[] network, int bits) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
