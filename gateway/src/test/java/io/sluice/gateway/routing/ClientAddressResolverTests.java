package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressResolverTests {

  /** An ingress controller's pods (10.244.0.0/16) in front of the gateway. */
  final ClientAddressResolver resolver = new ClientAddressResolver(List.of("10.244.0.0/16"));

  static MockServerHttpRequest.BaseBuilder<?> from(String peer) {
    return MockServerHttpRequest.get("/api/users").remoteAddress(new InetSocketAddress(peer, 4000));
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
    assertThat(
            resolver.resolve(
                from("198.51.100.4")
                    .header("X-Forwarded-For", "203.0.113.9")
                    .header("Forwarded", "for=203.0.113.10")
                    .build()))
        .isEqualTo("198.51.100.4");
  }

  @Test
  void behindATrustedProxyTheClientIsTheAddressItReports() {
    assertThat(
            resolver.resolve(from("10.244.1.5").header("X-Forwarded-For", "203.0.113.9").build()))
        .isEqualTo("203.0.113.9");
    assertThat(resolver.resolve(from("10.244.1.5").build())).isEqualTo("10.244.1.5");
  }

  @Test
  void entriesAClientWroteItselfLeftOfTheFirstUntrustedHopAreIgnored() {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the ingress appended the address it saw.
    assertThat(
            resolver.resolve(
                from("10.244.1.5").header("X-Forwarded-For", "1.2.3.4, 203.0.113.9").build()))
        .isEqualTo("203.0.113.9");
    assertThat(
            resolver.resolve(
                from("10.244.1.5")
                    .header("X-Forwarded-For", "1.2.3.4")
                    .header("X-Forwarded-For", "203.0.113.9, 10.244.7.7")
                    .build()))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void forwardedIsReadWhenThereIsNoXForwardedFor() {
    assertThat(
            resolver.resolve(
                from("10.244.1.5")
                    .header("Forwarded", "for=1.2.3.4, for=\"[2001:db8::17]:4711\";proto=https")
                    .build()))
        .isEqualTo("2001:db8:0:0:0:0:0:17");
    assertThat(
            resolver.resolve(
                from("10.244.1.5")
                    .header("Forwarded", "for=1.2.3.4")
                    .header("X-Forwarded-For", "203.0.113.9")
                    .build()))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void somethingThatIsNotAnAddressStopsTheWalkAtTheLastAddressVouchedFor() {
    assertThat(
            resolver.resolve(
                from("10.244.1.5").header("X-Forwarded-For", "203.0.113.9, evil.example").build()))
        .isEqualTo("10.244.1.5");
    assertThat(resolver.resolve(from("10.244.1.5").header("Forwarded", "for=unknown").build()))
        .isEqualTo("10.244.1.5");
    assertThat(
            resolver.resolve(
                from("10.244.1.5").header("X-Forwarded-For", "203.0.113.9:5555").build()))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void nothingIsTrustedByDefault() {
    assertThat(
            new ClientAddressResolver(List.of())
                .resolve(from("10.244.1.5").header("X-Forwarded-For", "203.0.113.9").build()))
        .isEqualTo("10.244.1.5");
  }
}
