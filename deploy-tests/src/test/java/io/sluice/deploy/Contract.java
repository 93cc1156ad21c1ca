package io.sluice.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The public contract and the team's fixed decisions the deploy files must follow. Hard-coded on
 * purpose: the contract document lives outside the repository, and a deploy file that drifts from
 * it must fail here.
 */
final class Contract {

  static final String LIVENESS_PATH = "/actuator/health/liveness";
  static final String READINESS_PATH = "/actuator/health/readiness";
  static final String PROMETHEUS_PATH = "/actuator/prometheus";

  /** {@code spring.lifecycle.timeout-per-shutdown-phase} when an app does not say otherwise. */
  static final Duration SHUTDOWN_PHASE = Duration.ofSeconds(20);

  static final int PRE_STOP_SLEEP_SECONDS = 10;
  static final int TERMINATION_GRACE_SECONDS = 45;

  /** The Kubernetes Secret both services read, and the keys it may hold. */
  static final String SECRET_NAME = "sluice-secrets";

  /** Contract variables that are secrets: never a literal value in a committed file. */
  static final Set<String> SECRET_VARIABLES =
      Set.of("DB_PASSWORD", "INTERNAL_AUTH_SECRET", "ADMIN_API_KEY");

  static final Service GATEWAY =
      new Service(
          "gateway",
          "sluice/gateway",
          8080,
          9080,
          Set.of(
              "SERVER_PORT",
              "MANAGEMENT_SERVER_PORT",
              "REDIS_URL",
              "USER_SERVICE_URIS",
              "ADMIN_API_KEY",
              "INTERNAL_AUTH_SECRET"),
          // Their defaults point at localhost, which is wrong in any container.
          Set.of("REDIS_URL", "USER_SERVICE_URIS", "ADMIN_API_KEY", "INTERNAL_AUTH_SECRET"));

  static final Service USER_SERVICE =
      new Service(
          "user-service",
          "sluice/user-service",
          8081,
          9081,
          Set.of(
              "SERVER_PORT",
              "MANAGEMENT_SERVER_PORT",
              "DB_HOST",
              "DB_PORT",
              "DB_NAME",
              "DB_USER",
              "DB_PASSWORD",
              "INTERNAL_AUTH_SECRET"),
          Set.of("DB_HOST", "DB_PASSWORD", "INTERNAL_AUTH_SECRET"));

  static final List<Service> SERVICES = List.of(GATEWAY, USER_SERVICE);

  private Contract() {}

  /**
   * One of our services.
   *
   * @param module its Maven module and source directory
   * @param image its image name, without registry or tag
   * @param defaultServerPort public port when the app's configuration does not say
   * @param defaultManagementPort actuator port when the app's configuration does not say
   * @param variables the contract variables it reads
   * @param requiredInContainers variables a container deployment must set
   */
  record Service(
      String module,
      String image,
      int defaultServerPort,
      int defaultManagementPort,
      Set<String> variables,
      Set<String> requiredInContainers) {

    /** The ports and shutdown phase the app really uses, read from its configuration files. */
    AppConfig config() {
      return AppConfig.of(this);
    }

    static Service byModule(String module) {
      return SERVICES.stream()
          .filter(s -> s.module().equals(module))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("not one of our services: " + module));
    }

    static Service byImage(String image) {
      return SERVICES.stream()
          .filter(s -> Images.repository(image).equals(s.image()))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("not one of our images: " + image));
    }

    static boolean isOurs(String image) {
      return SERVICES.stream().anyMatch(s -> Images.repository(image).equals(s.image()));
    }
  }
}
