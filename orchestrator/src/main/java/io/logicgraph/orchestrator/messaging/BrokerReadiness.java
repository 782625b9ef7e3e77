package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.broker.BrokerHealth;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the broker is connected, every queue of the fleet declared (before that, publishing
 * could lose tasks) and every queue the orchestrator consumes is consumed.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {
  private final OrchestratorBroker broker;

  public BrokerReadiness(OrchestratorBroker broker) {
    this.broker = broker;
  }

  @Override
  public HealthCheckResponse call() {
    return BrokerHealth.of(broker.broker());
  }
}
