package io.sluice.deploy;

import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Evaluates Kubernetes NetworkPolicy semantics for one connection: allowed when the source's egress
 * policies (if any select it) and the destination's ingress policies (if any select it) both admit
 * it. Enough of the specification for these manifests: pod and namespace selectors, ipBlock with
 * except, ports by number or name, endPort and protocol.
 */
final class NetworkPolicies {

  /**
   * A connection end: a pod (namespace, its labels, its named ports) or an address outside the
   * cluster ({@code ip} set, no pod labels).
   */
  record Peer(
      String description,
      String namespace,
      Map<String, String> podLabels,
      Map<String, Integer> namedPorts,
      String ip) {

    static Peer pod(String namespace, Map<String, String> labels) {
      return new Peer(namespace + "/" + labels, namespace, labels, Map.of(), null);
    }

    static Peer pod(String namespace, Map<String, String> labels, Map<String, Integer> ports) {
      return new Peer(namespace + "/" + labels, namespace, labels, ports, null);
    }

    static Peer external(String ip) {
      return new Peer(ip, null, null, Map.of(), ip);
    }

    boolean isPod() {
      return podLabels != null;
    }

    Map<String, String> namespaceLabels() {
      return Map.of("kubernetes.io/metadata.name", namespace);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private final List<NetworkPolicy> policies;

  NetworkPolicies(List<NetworkPolicy> policies) {
    this.policies = policies;
  }

  boolean allows(Peer from, Peer to, String protocol, int port) {
    return egressAllows(from, to, protocol, port) && ingressAllows(from, to, protocol, port);
  }

  boolean egressAllows(Peer from, Peer to, String protocol, int port) {
    if (!from.isPod()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(from, "Egress");
    return selecting.isEmpty()
        || selecting.stream()
            .flatMap(p -> p.getSpec().getEgress().stream().map(rule -> Map.entry(p, rule)))
            .anyMatch(
                e ->
                    matchesAny(e.getValue().getTo(), to, Manifests.namespaceOf(e.getKey()))
                        && portMatches(e.getValue().getPorts(), to, protocol, port));
  }

  private boolean ingressAllows(Peer from, Peer to, String protocol, int port) {
    if (!to.isPod()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(to, "Ingress");
    return selecting.isEmpty()
        || selecting.stream()
            .flatMap(p -> p.getSpec().getIngress().stream().map(rule -> Map.entry(p, rule)))
            .anyMatch(
                e ->
                    matchesAny(e.getValue().getFrom(), from, Manifests.namespaceOf(e.getKey()))
                        && portMatches(e.getValue().getPorts(), to, protocol, port));
  }

  private List<NetworkPolicy> selecting(Peer pod, String type) {
    return policies.stream()
        .filter(p -> Manifests.namespaceOf(p).equals(pod.namespace()))
        .filter(p -> Workloads.selects(p.getSpec().getPodSelector(), pod.podLabels()))
        .filter(p -> policyTypes(p).contains(type))
        .toList();
  }

  // Without policyTypes a policy always governs Ingress, and Egress only when it has egress rules.
  private static List<String> policyTypes(NetworkPolicy policy) {
    List<String> types = policy.getSpec().getPolicyTypes();
    if (types != null && !types.isEmpty()) {
      return types;
    }
    return policy.getSpec().getEgress().isEmpty()
        ? List.of("Ingress")
        : List.of("Ingress", "Egress");
  }

  private static boolean matchesAny(List<NetworkPolicyPeer> peers, Peer other, String ns) {
    return peers == null || peers.isEmpty() || peers.stream().anyMatch(p -> matches(p, other, ns));
  }

  private static boolean matches(NetworkPolicyPeer peer, Peer other, String policyNamespace) {
    if (peer.getIpBlock() != null) {
      return other.ip() != null && inBlock(peer.getIpBlock(), other.ip());
    }
    if (!other.isPod()) {
      return false;
    }
    boolean namespaceMatches =
        peer.getNamespaceSelector() == null
            ? other.namespace().equals(policyNamespace)
            : Workloads.selects(peer.getNamespaceSelector(), other.namespaceLabels());
    return namespaceMatches
        && (peer.getPodSelector() == null
            || Workloads.selects(peer.getPodSelector(), other.podLabels()));
  }

  private static boolean portMatches(
      List<NetworkPolicyPort> ports, Peer to, String protocol, int port) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort rule : ports) {
      String ruleProtocol = rule.getProtocol() == null ? "TCP" : rule.getProtocol();
      if (!ruleProtocol.equals(protocol)) {
        continue;
      }
      if (rule.getPort() == null) {
        return true;
      }
      Integer number =
          rule.getPort().getIntVal() != null
              ? rule.getPort().getIntVal()
              : to.namedPorts().get(rule.getPort().getStrVal());
      if (number == null) {
        continue;
      }
      int end = rule.getEndPort() == null ? number : rule.getEndPort();
      if (port >= number && port <= end) {
        return true;
      }
    }
    return false;
  }

  private static boolean inBlock(IPBlock block, String ip) {
    return inCidr(block.getCidr(), ip)
        && (block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(e, ip)));
  }

  static boolean inCidr(String cidr, String ip) {
    String[] parts = cidr.split("/");
    byte[] network = address(parts[0]);
    byte[] candidate = address(ip);
    if (network.length != candidate.length) {
      return false;
    }
    int bits = network.length * 8;
    int prefix = Integer.parseInt(parts[1]);
    BigInteger mask =
        BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
    return new BigInteger(1, network).and(mask).equals(new BigInteger(1, candidate).and(mask));
  }

  /** The first address of a CIDR block: a stand-in for a managed service inside it. */
  static String firstAddress(String cidr) {
    byte[] bytes = address(cidr.split("/")[0]);
    bytes[bytes.length - 1] |= 1;
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr, e);
    }
  }

  private static byte[] address(String literal) {
    try {
      // Literals only: getByName does no lookup for an IP literal.
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
