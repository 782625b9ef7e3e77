package io.logicgraph.model.worker;

import io.logicgraph.model.broker.BrokerHealth;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the broker is connected, the topology declared and the task queue consumed. */
@Readiness
@ApplicationScoped
public class BrokerReadinessCheck implements HealthCheck {
  private final WorkerBroker broker;

  public BrokerReadinessCheck(WorkerBroker broker) {
    this.broker = broker;
  }

  @Override
  public HealthCheckResponse call() {
    return BrokerHealth.of(broker.broker());
  }
}
