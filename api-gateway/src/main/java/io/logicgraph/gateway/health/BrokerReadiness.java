package io.logicgraph.gateway.health;

import io.logicgraph.gateway.messaging.BrokerTopology;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the queues the gateway publishes to are declared and the broker is reachable. */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {
  private final BrokerTopology topology;

  public BrokerReadiness(BrokerTopology topology) {
    this.topology = topology;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("rabbitmq-topology")
        .status(topology.ready())
        .withData("state", topology.state())
        .build();
  }
}
