package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.sluice.deploy.NetworkPolicies.Peer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies admit exactly the intended paths. Each set is evaluated connection by
 * connection: the stack's pods, plus an ingress controller, Prometheus, cluster DNS, a stranger pod
 * in the namespace, a look-alike gateway in another namespace and an internet address.
 */
class NetworkPolicyTests {

  private static final String NS = Manifests.NAMESPACE;
  private static final Peer INGRESS_CONTROLLER =
      Peer.pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
  private static final Peer PROMETHEUS =
      Peer.pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
  private static final Peer DNS = Peer.pod("kube-system", Map.of("k8s-app", "kube-dns"));
  private static final Peer STRANGER = Peer.pod(NS, Map.of("app.kubernetes.io/name", "debug"));
  private static final Peer LOOK_ALIKE =
      Peer.pod("other", Map.of("app.kubernetes.io/name", "gateway"));
  private static final Peer INTERNET = Peer.external("203.0.113.7");

  static Stream<Manifests> manifests() {
    return Manifests.available();
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void aDefaultDenyCoversEveryPodInBothDirections(Manifests manifests) {
    assertThat(manifests.all(NetworkPolicy.class))
        .anySatisfy(
            p -> {
              assertThat(p.getSpec().getPodSelector().getMatchLabels()).isEmpty();
              assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isEmpty();
              assertThat(p.getSpec().getPolicyTypes())
                  .containsExactlyInAnyOrder("Ingress", "Egress");
              assertThat(p.getSpec().getIngress()).isEmpty();
              assertThat(p.getSpec().getEgress()).isEmpty();
            });
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void onlyTheIngressControllerReachesTheGatewaysPublicPort(Manifests manifests) {
    Stack stack = new Stack(manifests);
    int port = Contract.GATEWAY.config().serverPort();
    assertThat(stack.policies.allows(INGRESS_CONTROLLER, stack.gateway, "TCP", port)).isTrue();
    for (Peer other : stack.except(stack.gateway, INGRESS_CONTROLLER)) {
      assertThat(stack.policies.allows(other, stack.gateway, "TCP", port))
          .as("%s", other)
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void onlyTheGatewayReachesUserService(Manifests manifests) {
    Stack stack = new Stack(manifests);
    int port = Contract.USER_SERVICE.config().serverPort();
    assertThat(stack.policies.allows(stack.gateway, stack.userService, "TCP", port)).isTrue();
    for (Peer other : stack.except(stack.userService, stack.gateway)) {
      assertThat(stack.policies.allows(other, stack.userService, "TCP", port))
          .as("%s", other)
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void onlyUserServiceReachesPostgresql(Manifests manifests) {
    Stack stack = new Stack(manifests);
    Peer postgres = stack.dataStore("postgres", 5432);
    assertThat(stack.reaches(stack.userService, postgres, 5432)).isTrue();
    for (Peer other : stack.dataStoreClientsExcept(postgres, stack.userService)) {
      assertThat(stack.reaches(other, postgres, 5432)).as("%s", other).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void onlyTheGatewayReachesRedis(Manifests manifests) {
    Stack stack = new Stack(manifests);
    Peer redis = stack.dataStore("redis", 6379);
    assertThat(stack.reaches(stack.gateway, redis, 6379)).isTrue();
    for (Peer other : stack.dataStoreClientsExcept(redis, stack.gateway)) {
      assertThat(stack.reaches(other, redis, 6379)).as("%s", other).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void prometheusScrapesTheManagementPortsAndNothingElse(Manifests manifests) {
    Stack stack = new Stack(manifests);
    for (Contract.Service service : Contract.SERVICES) {
      Peer pod = service == Contract.GATEWAY ? stack.gateway : stack.userService;
      AppConfig app = service.config();
      assertThat(stack.policies.allows(PROMETHEUS, pod, "TCP", app.managementPort())).isTrue();
      assertThat(stack.policies.allows(STRANGER, pod, "TCP", app.managementPort())).isFalse();
      if (service == Contract.USER_SERVICE) {
        assertThat(stack.policies.allows(PROMETHEUS, pod, "TCP", app.serverPort())).isFalse();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyPodResolvesNamesThroughClusterDnsButReachesNoInternetAddress(Manifests manifests) {
    Stack stack = new Stack(manifests);
    for (Peer pod : stack.pods) {
      assertThat(stack.policies.allows(pod, DNS, "UDP", 53)).as("%s DNS/UDP", pod).isTrue();
      assertThat(stack.policies.allows(pod, DNS, "TCP", 53)).as("%s DNS/TCP", pod).isTrue();
      assertThat(stack.policies.allows(pod, INTERNET, "TCP", 443)).as("%s", pod).isFalse();
    }
  }

  /** The pods of one manifest set and the policies over them. */
  private static final class Stack {
    final NetworkPolicies policies;
    final Manifests manifests;
    final List<Peer> pods = new ArrayList<>();
    final Map<String, Peer> byName = new LinkedHashMap<>();
    final Peer gateway;
    final Peer userService;

    Stack(Manifests manifests) {
      this.manifests = manifests;
      this.policies = new NetworkPolicies(manifests.all(NetworkPolicy.class));
      manifests
          .podTemplates()
          .forEach(
              (name, template) -> {
                Peer pod = Peer.pod(NS, template.getMetadata().getLabels(), namedPorts(template));
                pods.add(pod);
                byName.put(name, pod);
              });
      this.gateway = byName.get("gateway");
      this.userService = byName.get("user-service");
    }

    /**
     * The in-cluster data store when this set runs one; else the managed service behind the one
     * ipBlock that opens its port; else (the base) the pod the base's policies expect.
     */
    Peer dataStore(String name, int port) {
      if (byName.containsKey(name)) {
        return byName.get(name);
      }
      List<String> blocks =
          manifests.all(NetworkPolicy.class).stream()
              .flatMap(p -> p.getSpec().getEgress().stream())
              .filter(r -> r.getPorts().stream().anyMatch(pp -> pp.getPort().getIntVal() == port))
              .flatMap(r -> r.getTo().stream())
              .filter(peer -> peer.getIpBlock() != null)
              .map(peer -> peer.getIpBlock().getCidr())
              .toList();
      assertThat(blocks.size())
          .as("%s: address blocks opening port %d", manifests, port)
          .isLessThan(2);
      return blocks.isEmpty()
          ? Peer.pod(NS, Map.of("app.kubernetes.io/name", name))
          : Peer.external(NetworkPolicies.firstAddress(blocks.get(0)));
    }

    /**
     * Whether {@code from} reaches a data store. Where the set runs no such pod (the base), only
     * the egress side is the set's to decide: the overlay that adds the store adds its ingress.
     */
    boolean reaches(Peer from, Peer dataStore, int port) {
      return byName.containsValue(dataStore) || !dataStore.isPod()
          ? policies.allows(from, dataStore, "TCP", port)
          : policies.egressAllows(from, dataStore, "TCP", port);
    }

    /**
     * Clients that must not reach a data store. A store this set does not run (managed, outside the
     * cluster; or left to an overlay) is guarded here only by egress rules, so only against pods of
     * this namespace; its own firewall, or the overlay's ingress policy, does the rest.
     */
    List<Peer> dataStoreClientsExcept(Peer dataStore, Peer allowed) {
      List<Peer> others = except(dataStore, allowed);
      if (!byName.containsValue(dataStore)) {
        others.removeIf(p -> !p.isPod() || !NS.equals(p.namespace()));
      }
      return others;
    }

    /** Every client that is neither the destination nor the one allowed client. */
    List<Peer> except(Peer destination, Peer allowed) {
      List<Peer> others = new ArrayList<>(pods);
      others.addAll(List.of(INGRESS_CONTROLLER, PROMETHEUS, STRANGER, LOOK_ALIKE, INTERNET));
      others.removeIf(p -> p == destination || p == allowed);
      return others;
    }

    private static Map<String, Integer> namedPorts(PodTemplateSpec template) {
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (Container container : template.getSpec().getContainers()) {
        for (ContainerPort port : container.getPorts()) {
          if (port.getName() != null) {
            ports.put(port.getName(), port.getContainerPort());
          }
        }
      }
      return ports;
    }
  }
}
