package io.logicgraph.worker.ai.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the queues this worker publishes to are declared. */
@Readiness
@ApplicationScoped
public class BrokerTopologyCheck implements HealthCheck {
  private final BrokerTopology topology;

  public BrokerTopologyCheck(BrokerTopology topology) {
    this.topology = topology;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("broker-topology").status(topology.isDeclared()).build();
  }
}
