package io.sluice.gateway.system;

/**
 * Refuses to start with the management port equal to the public one: Spring Boot would then serve
 * the actuator (metrics, routes, health details) on the public port, which the contract forbids.
 */
final class ManagementPortGuard {

  private ManagementPortGuard() {}

  /**
   * Throws when both ports are the same fixed port; 0 (a random port each) and a negative
   * management port (actuator off) are fine.
   */
  static void check(int serverPort, int managementPort) {
    if (managementPort > 0 && managementPort == serverPort) {
      throw new IllegalStateException(
          "MANAGEMENT_SERVER_PORT ("
              + managementPort
              + ") must differ from SERVER_PORT: on the same port the actuator would be public");
    }
  }
}
