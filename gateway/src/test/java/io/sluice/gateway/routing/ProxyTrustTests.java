package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyTrustTests {

  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void nothingIsTrustedByDefault() throws Exception {
    assertThat(new ProxyTrust(List.of()).isTrusted(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void cidrBlocksAndSingleAddressesAreMatched() throws Exception {
    ProxyTrust trust = new ProxyTrust(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));
    assertThat(trust.isTrusted(ip("10.20.30.40"))).isTrue();
    assertThat(trust.isTrusted(ip("11.0.0.1"))).isFalse();
    assertThat(trust.isTrusted(ip("192.168.1.7"))).isTrue();
    assertThat(trust.isTrusted(ip("192.168.1.8"))).isFalse();
    assertThat(trust.isTrusted(ip("fd12::1"))).isTrue();
    assertThat(trust.isTrusted(ip("fe80::1"))).isFalse();
  }

  @Test
  void aPrefixThatIsNotAByteBoundaryIsMatchedBitwise() throws Exception {
    ProxyTrust trust = new ProxyTrust(List.of("172.16.0.0/12"));
    assertThat(trust.isTrusted(ip("172.31.255.255"))).isTrue();
    assertThat(trust.isTrusted(ip("172.32.0.0"))).isFalse();
  }

  @Test
  void hostNamesAndBadPrefixesAreRejected() {
    assertThatThrownBy(() -> new ProxyTrust(List.of("proxy.example.com")))
        .hasMessageContaining("not an IP address or CIDR block");
    assertThatThrownBy(() -> new ProxyTrust(List.of("10.0.0.0/33")))
        .hasMessageContaining("invalid prefix length");
  }
}
