package io.sluice.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The one-command local stack: PostgreSQL and Redis (embedded unless the contract variables name
 * existing servers), two user-service instances and the gateway, each service a separate {@code
 * java -jar} process. It prints the gateway URL and a freshly generated administrator key once
 * everything is ready, and on Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the gateway, then the
 * user-services, each gracefully, then the embedded servers, and exits 0.
 *
 * <p>A plain {@code main}: the launcher has nothing for a Spring context to do.
 */
public final class LocalStack {

  /** Spring's graceful shutdown may take 20 s per phase; anything slower is killed. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(40);

  private final LocalStackSettings settings;
  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final List<ServiceProcess> userServices = new ArrayList<>();
  private ServiceProcess gateway;
  private Infrastructure infrastructure;
  private volatile boolean stopping;
  private boolean stopped;

  LocalStack(LocalStackSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(Usage.TEXT);
      return;
    }
    int exitCode;
    try {
      LocalStackSettings settings = LocalStackSettings.from(System.getenv(), Path.of(""));
      Files.createDirectories(settings.logDirectory());
      sendInfrastructureLogsTo(settings.logDirectory().resolve("infrastructure.log"));
      LocalStack stack = new LocalStack(settings, System.out);
      stack.handleSignals();
      Runtime.getRuntime().addShutdownHook(new Thread(stack::stopAll, "local-stack-shutdown"));
      exitCode = stack.run();
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("Local stack: " + e.getMessage());
      exitCode = 2;
    }
    System.exit(exitCode);
  }

  /**
   * The embedded servers log through SLF4J (slf4j-simple); this must run before the first logger is
   * created.
   */
  private static void sendInfrastructureLogsTo(Path file) {
    System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  }

  /**
   * Handling the signals ourselves, instead of leaving them to shutdown hooks, lets the stack stop
   * in order (the embedded PostgreSQL registers a hook of its own that would otherwise race the
   * services' graceful shutdown) and exit 0 after a requested stop.
   */
  private void handleSignals() {
    for (String name : List.of("INT", "TERM", "HUP")) {
      try {
        Signal.handle(new Signal(name), signal -> requestStop());
      } catch (IllegalArgumentException e) {
        // The signal is ignored for this process (nohup) or reserved by the JVM; nothing to do.
      }
    }
  }

  private void requestStop() {
    if (stopping) {
      out.println("Still stopping (each service gets up to " + STOP_GRACE.toSeconds() + " s).");
    }
    stopRequested.countDown();
  }

  private boolean isStopRequested() {
    return stopRequested.getCount() == 0;
  }

  /** Starts everything, waits for a stop request or a crash, stops everything; the exit code. */
  int run() {
    try {
      checkJarsAndPorts();
      String adminApiKey =
          settings.adminApiKey() != null ? settings.adminApiKey() : Secrets.adminApiKey();
      String internalAuthSecret = Secrets.internalAuthSecret();
      infrastructure = Infrastructure.start(settings, out);
      if (isStopRequested()) {
        return 0;
      }
      createServices(adminApiKey, internalAuthSecret);
      if (!startServices()) {
        return 0;
      }
      printBanner(adminApiKey);
      return superviseUntilStopRequested();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      System.err.println("Local stack failed: " + e.getMessage());
      return 1;
    } finally {
      stopAll();
    }
  }

  private void checkJarsAndPorts() {
    List<String> problems = new ArrayList<>();
    for (Path jar : List.of(settings.gatewayJar(), settings.userServiceJar())) {
      if (!Files.isRegularFile(jar)) {
        problems.add(jar + " does not exist; build it first: ./mvnw -B -q -DskipTests package");
      }
    }
    Map<Integer, String> ports = new HashMap<>();
    ports.put(settings.gatewayPort(), "LOCAL_STACK_GATEWAY_PORT");
    ports.put(settings.gatewayManagementPort(), "LOCAL_STACK_GATEWAY_MANAGEMENT_PORT");
    settings.userServicePorts().forEach(p -> ports.put(p, "LOCAL_STACK_USER_SERVICE_PORTS"));
    settings
        .userServiceManagementPorts()
        .forEach(p -> ports.put(p, "LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS"));
    if (ports.size() != 2 + 2 * settings.userServicePorts().size()) {
      problems.add("the service ports must all differ");
    }
    ports.forEach(
        (port, variable) -> {
          if (!Ports.isFree(port)) {
            problems.add("port " + port + " is in use (set " + variable + " to move it)");
          }
        });
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
  }

  private void createServices(String adminApiKey, String internalAuthSecret) {
    Map<String, String> userServiceEnv = new HashMap<>(infrastructure.userServiceEnvironment());
    userServiceEnv.put("INTERNAL_AUTH_SECRET", internalAuthSecret);
    List<String> userServiceUris = new ArrayList<>();
    for (int i = 0; i < settings.userServicePorts().size(); i++) {
      int port = settings.userServicePorts().get(i);
      String name = "user-service-" + (i + 1);
      userServices.add(
          new ServiceProcess(
              name,
              settings.userServiceJar(),
              port,
              settings.userServiceManagementPorts().get(i),
              userServiceEnv,
              settings.javaOptions(),
              settings.logDirectory().resolve(name + ".log")));
      userServiceUris.add("http://127.0.0.1:" + port);
    }
    Map<String, String> gatewayEnv = new HashMap<>(infrastructure.gatewayEnvironment());
    gatewayEnv.put("USER_SERVICE_URIS", String.join(",", userServiceUris));
    gatewayEnv.put("ADMIN_API_KEY", adminApiKey);
    gatewayEnv.put("INTERNAL_AUTH_SECRET", internalAuthSecret);
    gateway =
        new ServiceProcess(
            "gateway",
            settings.gatewayJar(),
            settings.gatewayPort(),
            settings.gatewayManagementPort(),
            gatewayEnv,
            settings.javaOptions(),
            settings.logDirectory().resolve("gateway.log"));
  }

  /** Starts the services together (JVM start-up overlaps well); false when a stop came first. */
  private boolean startServices() throws InterruptedException {
    List<ServiceProcess> all = new ArrayList<>(userServices);
    all.add(gateway);
    long started = System.nanoTime();
    for (ServiceProcess service : all) {
      service.start();
      out.println(
          "Started "
              + service.name()
              + " (pid "
              + service.pid()
              + ", port "
              + service.port()
              + ", log "
              + service.logFile()
              + ")");
    }
    for (ServiceProcess service : all) {
      out.print("Waiting for " + service.name() + " to be ready ... ");
      out.flush();
      if (!service.awaitReady(settings.startupTimeout(), this::isStopRequested)) {
        out.println("stopped");
        return false;
      }
      out.println("ok" + Timing.since(started));
    }
    return true;
  }

  private void printBanner(String adminApiKey) {
    String url = "http://localhost:" + settings.gatewayPort();
    out.println();
    out.println("Sluice local stack is ready.");
    out.println();
    out.println("  Gateway:        " + url);
    out.println("  Admin API key:  " + adminApiKey);
    out.println(
        "  Management:     http://localhost:"
            + settings.gatewayManagementPort()
            + "/actuator/health");
    for (ServiceProcess service : userServices) {
      out.println(
          "  "
              + String.format("%-16s", service.name() + ":")
              + "http://localhost:"
              + service.port()
              + " (management "
              + service.managementPort()
              + ")");
    }
    out.println("  PostgreSQL:     " + infrastructure.postgresDescription());
    out.println("  Redis:          " + infrastructure.redisDescription());
    out.println("  Logs:           " + settings.logDirectory());
    out.println();
    out.println("Try it:");
    out.println(
        "  curl -i -X POST "
            + url
            + "/api/users -H 'X-API-Key: "
            + adminApiKey
            + "' -H 'Content-Type: application/json' -d"
            + " '{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"}'");
    out.println("  curl -i " + url + "/api/users -H 'X-API-Key: " + adminApiKey + "'");
    out.println();
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
  }

  private int superviseUntilStopRequested() throws InterruptedException {
    List<ServiceProcess> all = new ArrayList<>(userServices);
    all.add(gateway);
    while (!stopRequested.await(1, TimeUnit.SECONDS)) {
      for (ServiceProcess service : all) {
        if (!service.isAlive() && !stopping) {
          System.err.println(
              service.name()
                  + " exited unexpectedly with code "
                  + service.exitValue()
                  + service.logTail()
                  + "\nStopping the local stack.");
          return 1;
        }
      }
    }
    return 0;
  }

  /**
   * Stops the gateway first, so no new request reaches a stopping service, then the user-services
   * together, then the embedded servers they used. Idempotent.
   */
  synchronized void stopAll() {
    if (stopped) {
      return;
    }
    stopping = true;
    stopped = true;
    boolean anything = gateway != null || infrastructure != null;
    if (anything) {
      out.println();
      out.println("Stopping the local stack ...");
    }
    try {
      if (gateway != null) {
        stopService(gateway);
      }
      List<Thread> stoppers = new ArrayList<>();
      for (ServiceProcess service : userServices) {
        Thread stopper = new Thread(() -> stopService(service), "stop-" + service.name());
        stopper.start();
        stoppers.add(stopper);
      }
      for (Thread stopper : stoppers) {
        stopper.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (infrastructure != null) {
        infrastructure.close();
        out.println("Stopped the embedded servers.");
      }
    }
    if (anything) {
      out.println("Local stack stopped.");
      out.flush();
    }
  }

  private void stopService(ServiceProcess service) {
    try {
      if (service.stop(STOP_GRACE)) {
        out.println("Stopped " + service.name() + " (exit code " + service.exitValue() + ").");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (UncheckedIOException | IllegalStateException e) {
      System.err.println("Could not stop " + service.name() + ": " + e.getMessage());
    }
  }
}
