package io.sluice.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One service ({@code java -jar}) as a child process of the launcher, its output in a log file of
 * its own.
 */
final class ServiceProcess {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  /**
   * Run through {@code setsid} where it exists, so a Ctrl-C in the terminal reaches only the
   * launcher, which then stops the services in order instead of all at once.
   */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final String name;
  private final Path jar;
  private final int port;
  private final int managementPort;
  private final Map<String, String> environment;
  private final List<String> javaOptions;
  private final Path logFile;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  ServiceProcess(
      String name,
      Path jar,
      int port,
      int managementPort,
      Map<String, String> environment,
      List<String> javaOptions,
      Path logFile) {
    this.name = name;
    this.jar = jar;
    this.port = port;
    this.managementPort = managementPort;
    this.environment = Map.copyOf(environment);
    this.javaOptions = List.copyOf(javaOptions);
    this.logFile = logFile;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  int managementPort() {
    return managementPort;
  }

  Path logFile() {
    return logFile;
  }

  /** Starts the process; the launcher's environment is inherited, then overridden. */
  void start() {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
    builder.environment().putAll(environment);
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The exit code of a process that has ended. */
  int exitValue() {
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls the readiness probe until it answers 200. Fails when the process dies, when {@code
   * timeout} passes, or returns {@code false} as soon as {@code cancelled} turns true.
   */
  boolean awaitReady(Duration timeout, BooleanSupplier cancelled) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (cancelled.getAsBoolean()) {
        return false;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " while starting" + logTail());
      }
      if (isReady()) {
        return true;
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        name + " was not ready after " + timeout.toSeconds() + " s" + logTail());
  }

  private boolean isReady() throws InterruptedException {
    int status = probe("/actuator/health/readiness");
    // A service built without the probe groups only has the overall health endpoint.
    return status == 200 || (status == 404 && probe("/actuator/health") == 200);
  }

  private int probe(String path) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Asks the process to stop (SIGTERM, which starts Spring's graceful shutdown) and waits up to
   * {@code grace}; then kills it and anything it started. False when it was never started.
   */
  boolean stop(Duration grace) throws InterruptedException {
    if (process == null) {
      return false;
    }
    if (!process.isAlive()) {
      return true;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      System.err.println(name + " did not stop within " + grace.toSeconds() + " s; killing it");
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return true;
  }

  /** The last lines of the log file, for an error message. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      List<String> tail = lines.subList(Math.max(0, lines.size() - 25), lines.size());
      return "; last lines of " + logFile + ":\n  " + String.join("\n  ", tail);
    } catch (IOException | UncheckedIOException e) {
      return "; see " + logFile;
    }
  }
}
