package io.sluice.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the backends are and how instances that stop accepting connections are taken out.
 *
 * @param userServiceUris base URIs of the user-service instances, load-balanced round robin (env
 *     {@code USER_SERVICE_URIS}, comma-separated); on Kubernetes a single Service address
 * @param ejection passive outlier ejection of instances that fail to connect
 */
@ConfigurationProperties("sluice.routing")
public record RoutingProperties(
    @DefaultValue("http://localhost:8081") List<URI> userServiceUris,
    @DefaultValue Ejection ejection) {

  public RoutingProperties {
    if (userServiceUris.isEmpty()) {
      throw new IllegalArgumentException("USER_SERVICE_URIS must name at least one instance");
    }
    for (URI uri : userServiceUris) {
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "USER_SERVICE_URIS entries must be http:// or https:// URIs, got '" + uri + "'");
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("USER_SERVICE_URIS entry '" + uri + "' has no host");
      }
      if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
        throw new IllegalArgumentException(
            "USER_SERVICE_URIS entry '" + uri + "' must not have a path: requests keep theirs");
      }
    }
    userServiceUris = List.copyOf(userServiceUris);
  }

  /**
   * Passive ejection: an instance is taken out of rotation after connection failures and comes back
   * on probation when its ejection ends; the first request it then fails to connect ejects it again
   * for twice as long.
   *
   * @param consecutiveFailures connection failures in a row that eject an instance
   * @param baseDuration how long the first ejection lasts
   * @param maxDuration cap on the doubling ejection duration
   */
  public record Ejection(
      @DefaultValue("1") int consecutiveFailures,
      @DefaultValue("5s") Duration baseDuration,
      @DefaultValue("60s") Duration maxDuration) {

    public Ejection {
      if (consecutiveFailures < 1) {
        throw new IllegalArgumentException(
            "sluice.routing.ejection.consecutive-failures must be at least 1");
      }
      if (baseDuration.isNegative() || baseDuration.isZero()) {
        throw new IllegalArgumentException(
            "sluice.routing.ejection.base-duration must be positive");
      }
      if (maxDuration.compareTo(baseDuration) < 0) {
        throw new IllegalArgumentException(
            "sluice.routing.ejection.max-duration ("
                + maxDuration
                + ") must not be shorter than base-duration ("
                + baseDuration
                + ")");
      }
    }
  }
}
