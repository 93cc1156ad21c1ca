package io.sluice.gateway.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.web.server.ResponseStatusException;
import reactor.netty.http.client.PrematureCloseException;

/** What went wrong in one upstream attempt, as far as retrying and the breaker care. */
enum UpstreamFailure {

  /** No connection could be opened: nothing of the request was sent. */
  CONNECT,

  /** The connection broke or the answer was not valid HTTP, after the request was (maybe) sent. */
  RESET,

  /** The backend took longer than allowed. */
  TIMEOUT,

  /** No instance is available (all ejected) or the connection pool is saturated. */
  UNAVAILABLE,

  /** The client's fault (such as a body over the limit): says nothing about the backend. */
  CLIENT,

  /** Anything else: a gateway bug, rendered as 500 and not held against the backend. */
  OTHER;

  static UpstreamFailure of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      UpstreamFailure kind = direct(t);
      if (kind != null) {
        return kind;
      }
    }
    return OTHER;
  }

  private static UpstreamFailure direct(Throwable t) {
    if (t instanceof NotFoundException) {
      return UNAVAILABLE;
    }
    if (t instanceof ResponseStatusException status) {
      return status.getStatusCode().is4xxClientError() ? CLIENT : null;
    }
    if (t instanceof ConnectException || t instanceof UnknownHostException) {
      return CONNECT;
    }
    if (t instanceof PrematureCloseException) {
      return RESET;
    }
    if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException) {
      return TIMEOUT;
    }
    String name = t.getClass().getName();
    if (name.contains("PoolAcquire")) {
      // reactor-netty's shaded pool exceptions: pending-acquire limit or timeout.
      return UNAVAILABLE;
    }
    if (t instanceof IOException
        || t instanceof io.netty.handler.codec.DecoderException
        || thrownByHttpDecoder(t)) {
      return RESET;
    }
    return null;
  }

  /** Netty's HTTP decoder rejects a non-HTTP answer with a plain IllegalArgumentException. */
  private static boolean thrownByHttpDecoder(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 8); i++) {
      if (frames[i].getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the failure counts against the backend in the circuit breaker. */
  boolean isUpstreamFault() {
    return this == CONNECT || this == RESET || this == TIMEOUT;
  }
}
