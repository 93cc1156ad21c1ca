package io.sluice.gateway.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The connection pool of the HTTP client that talks to backends (one pool per backend address).
 * Idle keep-alive connections are retired by the gateway before the backend's own idle timeout can
 * close them under a request, which would otherwise surface as "connection prematurely closed".
 *
 * @param maxConnections most connections to one backend address, shared out between the pools of
 *     the event loops (see {@link LoopAffineRoutingFilter})
 * @param maxPendingAcquires most requests waiting for a connection when all are busy, shared out
 *     likewise; beyond it requests fail fast with 503
 * @param pendingAcquireTimeout longest wait for a pooled connection (503 after it)
 * @param maxIdleTime how long a connection may sit idle before it is closed; keep it below the
 *     backend's keep-alive idle timeout
 * @param maxLifeTime how long a connection is reused at all; bounds how long traffic sticks to one
 *     pod behind a Kubernetes Service address
 * @param evictionInterval how often idle and expired connections are closed in the background
 * @param singleWriteLimit backend responses declaring a {@code Content-Length} up to this size are
 *     collected and sent to the client in one write, headers and body together (0 turns it off);
 *     larger, chunked and streamed responses are passed on as they arrive
 */
@ConfigurationProperties("sluice.upstream-client")
public record UpstreamClientProperties(
    @DefaultValue("500") int maxConnections,
    @DefaultValue("1000") int maxPendingAcquires,
    @DefaultValue("1s") Duration pendingAcquireTimeout,
    @DefaultValue("10s") Duration maxIdleTime,
    @DefaultValue("5m") Duration maxLifeTime,
    @DefaultValue("5s") Duration evictionInterval,
    @DefaultValue("64KB") DataSize singleWriteLimit) {

  /** The largest {@code single-write-limit}: collected bodies are held in memory. */
  static final DataSize MAX_SINGLE_WRITE_LIMIT = DataSize.ofMegabytes(1);

  public UpstreamClientProperties {
    if (maxConnections < 1 || maxPendingAcquires < 1) {
      throw new IllegalArgumentException(
          "sluice.upstream-client.max-connections and max-pending-acquires must be at least 1");
    }
    if (!isPositive(pendingAcquireTimeout)
        || !isPositive(maxIdleTime)
        || !isPositive(evictionInterval)) {
      throw new IllegalArgumentException(
          "sluice.upstream-client durations (pending-acquire-timeout, max-idle-time,"
              + " eviction-interval) must be positive");
    }
    if (singleWriteLimit.isNegative() || singleWriteLimit.compareTo(MAX_SINGLE_WRITE_LIMIT) > 0) {
      throw new IllegalArgumentException(
          "sluice.upstream-client.single-write-limit ("
              + singleWriteLimit
              + ") must be between 0B and "
              + MAX_SINGLE_WRITE_LIMIT);
    }
    if (maxLifeTime.compareTo(maxIdleTime) <= 0) {
      throw new IllegalArgumentException(
          "sluice.upstream-client.max-life-time ("
              + maxLifeTime
              + ") must be longer than max-idle-time ("
              + maxIdleTime
              + ")");
    }
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
