package io.sluice.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

class UpstreamFailureTests {

  @Test
  void connectionRefusedIsAConnectFailureEvenWhenWrapped() {
    assertThat(UpstreamFailure.of(new ConnectException("refused")))
        .isEqualTo(UpstreamFailure.CONNECT);
    assertThat(UpstreamFailure.of(new RuntimeException(new ConnectException("refused"))))
        .isEqualTo(UpstreamFailure.CONNECT);
  }

  @Test
  void brokenConnectionsAreResets() {
    assertThat(UpstreamFailure.of(new IOException("Connection reset by peer")))
        .isEqualTo(UpstreamFailure.RESET);
  }

  @Test
  void timeoutsAreTimeouts() {
    assertThat(UpstreamFailure.of(new TimeoutException())).isEqualTo(UpstreamFailure.TIMEOUT);
    assertThat(UpstreamFailure.of(ReadTimeoutException.INSTANCE))
        .isEqualTo(UpstreamFailure.TIMEOUT);
  }

  @Test
  void noInstanceMeansUnavailableAndClientErrorsAreTheClients() {
    assertThat(UpstreamFailure.of(NotFoundException.create(false, "no instance")))
        .isEqualTo(UpstreamFailure.UNAVAILABLE);
    assertThat(UpstreamFailure.of(new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE)))
        .isEqualTo(UpstreamFailure.CLIENT);
    assertThat(UpstreamFailure.of(new IllegalStateException("bug")))
        .isEqualTo(UpstreamFailure.OTHER);
  }
}
