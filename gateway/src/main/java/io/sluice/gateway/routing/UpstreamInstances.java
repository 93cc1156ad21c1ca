package io.sluice.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The configured instances of each backend service and their passive-ejection state. Instances that
 * fail to connect are ejected for a while ({@link RoutingProperties.Ejection}); when the ejection
 * ends the instance is back on probation and real traffic probes it. The last instance is never
 * taken away: with every instance ejected, all of them are candidates (panic mode).
 */
public class UpstreamInstances {

  private static final Logger log = LoggerFactory.getLogger(UpstreamInstances.class);

  private final Map<String, Service> services;

  private final RoutingProperties.Ejection ejection;

  public UpstreamInstances(Map<String, List<URI>> uris, RoutingProperties.Ejection ejection) {
    this.ejection = ejection;
    this.services =
        Map.copyOf(
            uris.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> new Service(e.getKey(), e.getValue()))));
  }

  /**
   * The instances of {@code serviceId} that may receive a request now: not ejected, and not among
   * {@code tried} unless nothing else is left. When every instance is ejected this is panic mode,
   * as in Envoy: all of them are candidates again, since ejecting the last one would turn a single
   * refused connection into an outage for the whole ejection time (on Kubernetes the one URI is a
   * Service address). An instance that really is down still refuses at once, so the request still
   * fails fast with 503.
   *
   * @see <a
   *     href="https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/load_balancing/panic_threshold">Envoy
   *     panic threshold</a>
   */
  public List<ServiceInstance> available(String serviceId, Collection<String> tried) {
    Service service = services.get(serviceId);
    if (service == null) {
      return List.of();
    }
    if (service.ejected == 0 && tried.isEmpty()) {
      return service.all;
    }
    long now = System.nanoTime();
    List<ServiceInstance> fresh = new ArrayList<>(service.states.size());
    List<ServiceInstance> healthy = new ArrayList<>(service.states.size());
    for (InstanceState state : service.states) {
      if (state.isAvailable(now)) {
        healthy.add(state.instance);
        if (!tried.contains(state.instance.getInstanceId())) {
          fresh.add(state.instance);
        }
      }
    }
    if (healthy.isEmpty()) {
      return untried(service.all, tried);
    }
    return fresh.isEmpty() ? healthy : fresh;
  }

  private static List<ServiceInstance> untried(
      List<ServiceInstance> all, Collection<String> tried) {
    List<ServiceInstance> untried = new ArrayList<>(all.size());
    for (ServiceInstance instance : all) {
      if (!tried.contains(instance.getInstanceId())) {
        untried.add(instance);
      }
    }
    return untried.isEmpty() ? all : untried;
  }

  /**
   * How long until the first ejected instance of {@code serviceId} is back on probation; zero when
   * none is ejected.
   */
  public Duration untilNextAvailable(String serviceId) {
    Service service = services.get(serviceId);
    if (service == null) {
      return Duration.ZERO;
    }
    long now = System.nanoTime();
    long soonest = Long.MAX_VALUE;
    for (InstanceState state : service.states) {
      if (!state.isAvailable(now)) {
        soonest = Math.min(soonest, state.ejectedUntil - now);
      }
    }
    return Duration.ofNanos(soonest == Long.MAX_VALUE ? 0 : soonest);
  }

  /** The instance refused or timed out a connection. */
  public void connectFailed(ServiceInstance instance) {
    InstanceState state = find(instance);
    if (state != null) {
      state.failed(System.nanoTime());
    }
  }

  /** The instance answered; clears any failure history. Cheap when there is none. */
  public void succeeded(ServiceInstance instance) {
    InstanceState state = find(instance);
    if (state != null && state.failures != 0) {
      state.recovered();
    }
  }

  private InstanceState find(ServiceInstance instance) {
    Service service = services.get(instance.getServiceId());
    if (service == null) {
      return null;
    }
    for (InstanceState state : service.states) {
      if (state.instance.getInstanceId().equals(instance.getInstanceId())) {
        return state;
      }
    }
    return null;
  }

  private final class Service {

    final List<InstanceState> states;

    final List<ServiceInstance> all;

    /** Instances ejected now or on probation; zero keeps {@link #available} allocation-free. */
    volatile int ejected;

    Service(String serviceId, List<URI> uris) {
      this.states =
          uris.stream().map(uri -> new InstanceState(this, toInstance(serviceId, uri))).toList();
      this.all = states.stream().map(s -> s.instance).toList();
    }

    synchronized void adjustEjected(int delta) {
      ejected += delta;
    }
  }

  private static ServiceInstance toInstance(String serviceId, URI uri) {
    boolean secure = "https".equals(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    return new DefaultServiceInstance(
        uri.getHost() + ":" + port, serviceId, uri.getHost(), port, secure);
  }

  private final class InstanceState {

    final Service service;

    final ServiceInstance instance;

    /** Consecutive connection failures; non-zero also marks the instance as under watch. */
    volatile int failures;

    volatile long ejectedUntil;

    private int ejections;

    InstanceState(Service service, ServiceInstance instance) {
      this.service = service;
      this.instance = instance;
      // nanoTime may be negative: compare by difference against a real past instant, never 0.
      this.ejectedUntil = System.nanoTime();
    }

    boolean isAvailable(long now) {
      return failures == 0 || now - ejectedUntil >= 0;
    }

    synchronized void failed(long now) {
      if (failures == 0) {
        service.adjustEjected(1);
      }
      failures++;
      if (failures >= ejection.consecutiveFailures() && now - ejectedUntil >= 0) {
        long nanos =
            Math.min(
                ejection.maxDuration().toNanos(),
                ejection.baseDuration().toNanos() << Math.min(ejections, 20));
        ejectedUntil = now + nanos;
        ejections++;
        log.warn(
            "Ejected {} instance {} for {} ms after {} connection failure(s)",
            instance.getServiceId(),
            instance.getInstanceId(),
            nanos / 1_000_000,
            failures);
      }
    }

    synchronized void recovered() {
      if (failures != 0) {
        service.adjustEjected(-1);
        if (ejections > 0) {
          log.info(
              "{} instance {} is answering again",
              instance.getServiceId(),
              instance.getInstanceId());
        }
      }
      failures = 0;
      ejections = 0;
    }
  }
}
