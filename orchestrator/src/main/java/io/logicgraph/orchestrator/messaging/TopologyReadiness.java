package io.logicgraph.orchestrator.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once every queue of the fleet is declared: before that, publishing could lose tasks.
 */
@Readiness
@ApplicationScoped
public class TopologyReadiness implements HealthCheck {
  private final BrokerTopology topology;

  public TopologyReadiness(BrokerTopology topology) {
    this.topology = topology;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("broker-topology").status(topology.isDeclared()).build();
  }
}
