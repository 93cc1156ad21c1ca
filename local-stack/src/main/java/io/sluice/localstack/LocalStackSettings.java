package io.sluice.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the local stack runs and where, read from the environment. Every value has a default that
 * matches the ports in the README; the {@code LOCAL_STACK_*} variables move things around, and the
 * contract variables {@code DB_HOST} and {@code REDIS_URL} replace the embedded servers with
 * existing ones.
 *
 * @param root the repository root; jars and the log directory are resolved against it
 * @param gatewayJar the gateway's runnable jar
 * @param userServiceJar the user-service's runnable jar
 * @param logDirectory where each process writes its log file
 * @param gatewayPort the gateway's public port
 * @param gatewayManagementPort the gateway's actuator port
 * @param userServicePorts one public port per user-service instance
 * @param userServiceManagementPorts one actuator port per user-service instance, in the same order
 * @param postgresPort the embedded PostgreSQL's port ({@code 0}: any free port)
 * @param redisPort the embedded Redis's port ({@code 0}: any free port)
 * @param externalDatabase whether {@code DB_HOST} names an existing PostgreSQL to use instead
 * @param externalRedis whether {@code REDIS_URL} names an existing Redis to use instead
 * @param javaOptions extra JVM options for every service process
 * @param startupTimeout how long each service may take to become ready
 * @param adminApiKey the administrator key to hand the gateway, or {@code null} to generate one
 */
record LocalStackSettings(
    Path root,
    Path gatewayJar,
    Path userServiceJar,
    Path logDirectory,
    int gatewayPort,
    int gatewayManagementPort,
    List<Integer> userServicePorts,
    List<Integer> userServiceManagementPorts,
    int postgresPort,
    int redisPort,
    boolean externalDatabase,
    boolean externalRedis,
    List<String> javaOptions,
    Duration startupTimeout,
    String adminApiKey) {

  LocalStackSettings {
    if (userServicePorts.isEmpty()
        || userServicePorts.size() != userServiceManagementPorts.size()) {
      throw new IllegalArgumentException(
          "LOCAL_STACK_USER_SERVICE_PORTS and LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS must list"
              + " the same number of ports (got "
              + userServicePorts
              + " and "
              + userServiceManagementPorts
              + ")");
    }
  }

  /** Reads the settings from {@code env}, resolving relative paths against {@code workingDir}. */
  static LocalStackSettings from(Map<String, String> env, Path workingDir) {
    Path root =
        env.containsKey("LOCAL_STACK_ROOT")
            ? workingDir.resolve(env.get("LOCAL_STACK_ROOT")).normalize()
            : findRoot(workingDir);
    return new LocalStackSettings(
        root,
        path(env, "LOCAL_STACK_GATEWAY_JAR", root, "gateway/target/gateway.jar"),
        path(env, "LOCAL_STACK_USER_SERVICE_JAR", root, "user-service/target/user-service.jar"),
        path(env, "LOCAL_STACK_LOG_DIR", root, ".local-stack/logs"),
        port(env, "LOCAL_STACK_GATEWAY_PORT", 8080),
        port(env, "LOCAL_STACK_GATEWAY_MANAGEMENT_PORT", 9080),
        ports(env, "LOCAL_STACK_USER_SERVICE_PORTS", "8081,8082"),
        ports(env, "LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS", "9081,9082"),
        port(env, "LOCAL_STACK_POSTGRES_PORT", 5432),
        port(env, "LOCAL_STACK_REDIS_PORT", 6379),
        present(env, "DB_HOST"),
        present(env, "REDIS_URL"),
        words(env.getOrDefault("LOCAL_STACK_JAVA_OPTS", "")),
        Duration.ofSeconds(port(env, "LOCAL_STACK_STARTUP_TIMEOUT_SECONDS", 300)),
        present(env, "ADMIN_API_KEY") ? env.get("ADMIN_API_KEY") : null);
  }

  /** The nearest directory at or above {@code start} that holds the Sluice reactor. */
  private static Path findRoot(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("gateway"))) {
        return dir;
      }
    }
    return start.toAbsolutePath().normalize();
  }

  private static boolean present(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  private static Path path(Map<String, String> env, String name, Path root, String fallback) {
    return root.resolve(present(env, name) ? env.get(name) : fallback).normalize();
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    if (!present(env, name)) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(env.get(name).trim());
      if (value < 0 || value > 65535) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number from 0 to 65535");
    }
  }

  private static List<Integer> ports(Map<String, String> env, String name, String fallback) {
    String value = present(env, name) ? env.get(name) : fallback;
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> port(Map.of(name, s), name, 0))
        .toList();
  }

  private static List<String> words(String value) {
    return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }
}
