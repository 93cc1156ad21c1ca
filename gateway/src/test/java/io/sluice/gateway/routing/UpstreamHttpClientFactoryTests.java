package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpstreamHttpClientFactoryTests {

  @Test
  void poolLimitsAreSharedOutBetweenTheEventLoopsRoundingUp() {
    assertThat(UpstreamHttpClientFactory.perLoop(500, 4)).isEqualTo(125);
    assertThat(UpstreamHttpClientFactory.perLoop(1000, 3)).isEqualTo(334);
    assertThat(UpstreamHttpClientFactory.perLoop(1, 4)).isEqualTo(1);
    assertThat(UpstreamHttpClientFactory.perLoop(7, 1)).isEqualTo(7);
  }
}
