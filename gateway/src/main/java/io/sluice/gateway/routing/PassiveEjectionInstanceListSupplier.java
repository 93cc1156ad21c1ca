package io.sluice.gateway.routing;

import java.util.Collection;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Feeds Spring Cloud LoadBalancer's round robin with the instances of one service that are not
 * ejected and, for a retry, not already tried by the same request.
 */
class PassiveEjectionInstanceListSupplier implements ServiceInstanceListSupplier {

  private final String serviceId;

  private final UpstreamInstances instances;

  PassiveEjectionInstanceListSupplier(String serviceId, UpstreamInstances instances) {
    this.serviceId = serviceId;
    this.instances = instances;
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public Flux<List<ServiceInstance>> get() {
    return Flux.just(instances.available(serviceId, List.of()));
  }

  @Override
  public Flux<List<ServiceInstance>> get(Request request) {
    return Flux.just(instances.available(serviceId, tried(request)));
  }

  @SuppressWarnings("unchecked")
  private static Collection<String> tried(Request<?> request) {
    if (request.getContext() instanceof RequestDataContext context
        && context.getClientRequest() != null
        && context.getClientRequest().getAttributes() != null
        && context.getClientRequest().getAttributes().get(TriedInstances.ATTRIBUTE)
            instanceof Collection<?> tried) {
      return (Collection<String>) tried;
    }
    return List.of();
  }
}
