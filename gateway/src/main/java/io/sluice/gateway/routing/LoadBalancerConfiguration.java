package io.sluice.gateway.routing;

import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Cloud LoadBalancer set-up: every {@code lb://} service gets the default round robin over
 * {@link PassiveEjectionInstanceListSupplier}, fed from configuration rather than discovery.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = PerServiceLoadBalancerConfiguration.class)
class LoadBalancerConfiguration {

  /** Service id of user-service in {@code lb://} URIs. */
  static final String USER_SERVICE = "user-service";

  /**
   * Builds each service's load-balancer context and resolves its lazy suppliers before the server
   * takes traffic: done on first use, that work would block an event loop (and take seconds).
   */
  @Bean
  SmartInitializingSingleton loadBalancerWarmUp(LoadBalancerClientFactory clientFactory) {
    return () -> {
      ReactorServiceInstanceLoadBalancer loadBalancer =
          clientFactory.getInstance(USER_SERVICE, ReactorServiceInstanceLoadBalancer.class);
      if (loadBalancer != null) {
        loadBalancer.choose().block(Duration.ofSeconds(5));
      }
      clientFactory.getInstances(USER_SERVICE, LoadBalancerLifecycle.class);
    };
  }

  @Bean
  UpstreamInstances upstreamInstances(RoutingProperties properties) {
    return new UpstreamInstances(
        Map.of(USER_SERVICE, properties.userServiceUris()), properties.ejection());
  }
}
