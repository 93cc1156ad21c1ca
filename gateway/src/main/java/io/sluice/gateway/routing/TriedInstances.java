package io.sluice.gateway.routing;

import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.web.server.ServerWebExchange;

/**
 * The instances one request has already been sent to, so that a retry goes to a different one. Kept
 * in an exchange attribute, which the load balancer sees through its request context.
 */
public final class TriedInstances {

  /** Exchange attribute holding the ids of tried instances ({@code List<String>}). */
  public static final String ATTRIBUTE = TriedInstances.class.getName();

  private TriedInstances() {}

  /** Records that {@code instance} received an attempt of this request. */
  public static void add(ServerWebExchange exchange, ServiceInstance instance) {
    @SuppressWarnings("unchecked")
    List<String> tried =
        (List<String>) exchange.getAttributes().computeIfAbsent(ATTRIBUTE, k -> new ArrayList<>(3));
    tried.add(instance.getInstanceId());
  }
}
