package io.sluice.gateway.routing;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Beans of each load-balanced service's child context. Deliberately neither annotated nor nested in
 * a configuration class, so that the main context does not pick it up.
 */
class PerServiceLoadBalancerConfiguration {

  @Bean
  ServiceInstanceListSupplier passiveEjectionInstanceListSupplier(
      Environment environment, UpstreamInstances instances) {
    String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
    return new PassiveEjectionInstanceListSupplier(serviceId, instances);
  }
}
