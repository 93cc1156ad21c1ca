package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;

class UpstreamInstancesTests {

  final UpstreamInstances instances =
      new UpstreamInstances(
          Map.of("svc", List.of(URI.create("http://10.0.0.1:8081"), URI.create("http://10.0.0.2"))),
          new RoutingProperties.Ejection(1, Duration.ofMillis(200), Duration.ofMillis(400)));

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
    assertThat(ids(instances.available("svc", List.of()))).containsExactly("10.0.0.2:80");
    assertThat(instances.untilNextAvailable("svc")).isPositive();
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
  void whenEveryInstanceIsEjectedNoneIsAvailable() {
    List<ServiceInstance> all = instances.available("svc", List.of());
    all.forEach(instances::connectFailed);
    assertThat(instances.available("svc", List.of())).isEmpty();
  }
}
