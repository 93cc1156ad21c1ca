package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;

class UpstreamInstancesTests {

  final UpstreamInstances instances =
      new UpstreamInstances(
          Map.of("svc", List.of(URI.create("http://10.0.0.1:8081"), URI.create("http://10.0.0.2"))),
          new RoutingProperties.Ejection(1, Duration.ofMillis(200), Duration.ofMillis(400)));

  @BeforeAll
  static void initializeLoggingFirst() {
    // An ejection logs; the very first log line sets up logging, which on a loaded machine can
    // take a good part of the 200 ms ejections timed below. Pay for it here.
    UpstreamInstances warmUp =
        new UpstreamInstances(
            Map.of("warm-up", List.of(URI.create("http://10.0.0.9"))),
            new RoutingProperties.Ejection(1, Duration.ofMillis(1), Duration.ofMillis(1)));
    warmUp.connectFailed(warmUp.available("warm-up", List.of()).get(0));
  }

  List<String> ids(List<ServiceInstance> list) {
    return list.stream().map(ServiceInstance::getInstanceId).toList();
  }

  ServiceInstance first() {
    return instances.available("svc", List.of()).get(0);
  }

  @Test
  void instancesComeFromTheConfiguredUrisWithDefaultPorts() {
    assertThat(ids(instances.available("svc", List.of())))
        .containsExactly("10.0.0.1:8081", "10.0.0.2:80");
    assertThat(instances.available("other", List.of())).isEmpty();
  }

  @Test
  void aRetrySkipsInstancesAlreadyTriedUnlessNoneIsLeft() {
    assertThat(ids(instances.available("svc", List.of("10.0.0.1:8081"))))
        .containsExactly("10.0.0.2:80");
    assertThat(ids(instances.available("svc", List.of("10.0.0.1:8081", "10.0.0.2:80"))))
        .containsExactly("10.0.0.1:8081", "10.0.0.2:80");
  }

  @Test
  void anInstanceThatFailsToConnectIsEjectedThenProbedBack() throws InterruptedException {
    ServiceInstance bad = first();
    instances.connectFailed(bad);
    // Read the state before asserting: the first assertion loads AssertJ, which on a loaded
    // machine can outlast the 200 ms ejection.
    List<ServiceInstance> during = instances.available("svc", List.of());
    Duration wait = instances.untilNextAvailable("svc");
    assertThat(ids(during)).containsExactly("10.0.0.2:80");
    assertThat(wait).isPositive();
    Thread.sleep(250);
    // On probation: back in rotation; a success clears its history.
    assertThat(ids(instances.available("svc", List.of()))).contains("10.0.0.1:8081");
    instances.succeeded(bad);
    instances.connectFailed(bad);
    Thread.sleep(250);
    assertThat(ids(instances.available("svc", List.of()))).contains("10.0.0.1:8081");
  }

  @Test
  void repeatedEjectionsLastLongerUpToTheCap() throws InterruptedException {
    ServiceInstance bad = first();
    instances.connectFailed(bad);
    Thread.sleep(250);
    instances.connectFailed(bad); // failed its probe: ejected for 400 ms now
    Thread.sleep(250);
    assertThat(ids(instances.available("svc", List.of()))).doesNotContain("10.0.0.1:8081");
    Thread.sleep(200);
    assertThat(ids(instances.available("svc", List.of()))).contains("10.0.0.1:8081");
  }

  @Test
  void whenEveryInstanceIsEjectedAllOfThemAreTriedAgainInPanicMode() {
    List<ServiceInstance> all = instances.available("svc", List.of());
    all.forEach(instances::connectFailed);
    List<ServiceInstance> panic = instances.available("svc", List.of());
    List<ServiceInstance> retry = instances.available("svc", List.of("10.0.0.1:8081"));
    Duration wait = instances.untilNextAvailable("svc");
    assertThat(ids(panic)).containsExactly("10.0.0.1:8081", "10.0.0.2:80");
    // A retry still goes to an instance this request has not tried yet.
    assertThat(ids(retry)).containsExactly("10.0.0.2:80");
    // Still ejected: Retry-After of a 503 keeps telling when the first one is probed again.
    assertThat(wait).isPositive();
  }

  @Test
  void aSingleInstanceServiceIsNeverLeftWithoutAnInstance() {
    // On Kubernetes USER_SERVICE_URIS is one Service address: one refused connection (a pod
    // restarting behind it) must not take the whole service away for the ejection time.
    UpstreamInstances single =
        new UpstreamInstances(
            Map.of("svc", List.of(URI.create("http://user-service:8081"))),
            new RoutingProperties.Ejection(1, Duration.ofSeconds(5), Duration.ofSeconds(60)));
    ServiceInstance only = single.available("svc", List.of()).get(0);
    single.connectFailed(only);
    single.connectFailed(only);
    assertThat(ids(single.available("svc", List.of()))).containsExactly("user-service:8081");
    assertThat(ids(single.available("svc", List.of("user-service:8081"))))
        .containsExactly("user-service:8081");
    single.succeeded(only);
    assertThat(single.untilNextAvailable("svc")).isZero();
  }
}
