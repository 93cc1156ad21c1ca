package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the launcher the way a developer does, as a separate process, on free ports, against the
 * jars the reactor has just built; calls the API through the gateway; stops it with SIGTERM.
 */
class LocalStackIntegrationTests {

  private static final Duration STARTUP_LIMIT = Duration.ofMinutes(6);
  private static final Duration STOP_LIMIT = Duration.ofMinutes(3);
  private static final Pattern GATEWAY_LINE = Pattern.compile("Gateway:\\s+(http://\\S+)");
  private static final Pattern KEY_LINE = Pattern.compile("Admin API key:\\s+(\\S+)");

  private final Path module = Path.of("").toAbsolutePath();
  private final Path root = module.getParent();
  private final Path workDir = module.resolve("target/local-stack-it");
  private final List<String> output = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process launcher;
  private List<ProcessHandle> children = List.of();
  private int postgresPort;

  /** After a failure, stops the stack the normal way first, so no embedded server is orphaned. */
  @AfterEach
  void stopWhateverIsLeft() throws InterruptedException {
    if (launcher != null && launcher.isAlive()) {
      children = launcher.descendants().toList();
      launcher.toHandle().destroy();
      if (!launcher.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        launcher.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    // The postmaster is detached from the launcher; find it by its port if it outlived it.
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("embedded-pg"))
        .filter(p -> p.info().commandLine().orElse("").contains(" -p " + postgresPort + " "))
        .forEach(ProcessHandle::destroy);
  }

  @Test
  void theStackServesUsersThroughTheGatewayAndStopsEverythingOnSigterm() throws Exception {
    Path gatewayJar = root.resolve("gateway/target/gateway.jar");
    Path userServiceJar = root.resolve("user-service/target/user-service.jar");
    assumeTrue(
        Files.isRegularFile(gatewayJar) && Files.isRegularFile(userServiceJar),
        "skipped: build the service jars first (./mvnw -B -q -DskipTests package); missing "
            + gatewayJar
            + " or "
            + userServiceJar);

    List<Integer> ports = freePorts(8);
    postgresPort = ports.get(6);
    Files.createDirectories(workDir);
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalStack.class.getName())
            .directory(root.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    List.of("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_URL", "ADMIN_API_KEY")
        .forEach(env::remove);
    env.put("LOCAL_STACK_GATEWAY_JAR", gatewayJar.toString());
    env.put("LOCAL_STACK_USER_SERVICE_JAR", userServiceJar.toString());
    env.put("LOCAL_STACK_LOG_DIR", workDir.resolve("logs").toString());
    env.put("LOCAL_STACK_GATEWAY_PORT", ports.get(0).toString());
    env.put("LOCAL_STACK_GATEWAY_MANAGEMENT_PORT", ports.get(1).toString());
    env.put("LOCAL_STACK_USER_SERVICE_PORTS", ports.get(2) + "," + ports.get(3));
    env.put("LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS", ports.get(4) + "," + ports.get(5));
    env.put("LOCAL_STACK_POSTGRES_PORT", ports.get(6).toString());
    env.put("LOCAL_STACK_REDIS_PORT", ports.get(7).toString());
    env.put("LOCAL_STACK_STARTUP_TIMEOUT_SECONDS", Long.toString(STARTUP_LIMIT.toSeconds()));
    launcher = builder.start();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(this::readOutput);

    String gatewayUrl = awaitOutput(GATEWAY_LINE);
    String adminKey = awaitOutput(KEY_LINE);
    children = launcher.descendants().toList();
    assertThat(children).as("service processes").hasSizeGreaterThanOrEqualTo(3);
    assertThat(adminKey).matches("sk_live_[0-9A-Za-z]{32}");

    awaitFirstAnswer(gatewayUrl + "/api/users?limit=1", adminKey);
    String email = "local-stack-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/users"))
                .header("X-API-Key", adminKey)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"name\":\"Local Stack\"}"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> fetched =
        http.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl).resolve(location))
                .header("X-API-Key", adminKey)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
    assertThat(fetched.body()).contains(email);

    // SIGTERM through the handle: Process.destroy() would also close our end of its output.
    launcher.toHandle().destroy();
    assertThat(launcher.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS))
        .as("launcher stopped")
        .isTrue();
    reader.get(30, TimeUnit.SECONDS);
    assertThat(launcher.exitValue()).as(String.join("\n", output)).isZero();
    for (ProcessHandle child : children) {
      child.onExit().get(30, TimeUnit.SECONDS);
      assertThat(child.isAlive()).as("child %s still running", child.pid()).isFalse();
    }
    // The postmaster is not a descendant (pg_ctl detaches it), so check every port instead.
    assertThat(ports.stream().filter(Ports::isListening).toList())
        .as("ports still listening after the stack stopped")
        .isEmpty();
    assertThat(output).contains("Local stack stopped.");
  }

  /**
   * Ready services can still be slow to answer their first request on a busy machine (JIT, pool
   * connections), slower than the gateway's upstream deadline; an idempotent read warms the path.
   */
  private void awaitFirstAnswer(String url, String adminKey) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("X-API-Key", adminKey)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() < 500) {
          break;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("GET " + url + " through the gateway never answered 200: " + last);
  }

  private void readOutput() {
    Path log = workDir.resolve("launcher.out");
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      Files.deleteIfExists(log);
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (output) {
          output.add(line);
          output.notifyAll();
        }
        Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      // The launcher's output closed; the assertions say what went wrong.
    }
  }

  private String awaitOutput(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + STARTUP_LIMIT.plusMinutes(1).toNanos();
    synchronized (output) {
      while (System.nanoTime() < deadline) {
        for (String line : output) {
          Matcher matcher = pattern.matcher(line);
          if (matcher.find()) {
            return matcher.group(1);
          }
        }
        if (!launcher.isAlive()) {
          break;
        }
        output.wait(1000);
      }
      throw new AssertionError(
          "the launcher never printed "
              + pattern
              + (launcher.isAlive() ? "" : " (it exited with " + launcher.exitValue() + ")")
              + ":\n"
              + String.join("\n", output));
    }
  }

  private static List<Integer> freePorts(int count) {
    Set<Integer> ports = new HashSet<>();
    while (ports.size() < count) {
      ports.add(Ports.anyFree());
    }
    return ports.stream().collect(Collectors.toList());
  }
}
