package io.logicgraph.gateway.health;

import io.logicgraph.gateway.messaging.ExecutionRequestPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the broker is connected and the queue the gateway publishes to is declared. */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {
  private final ExecutionRequestPublisher publisher;

  public BrokerReadiness(ExecutionRequestPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public HealthCheckResponse call() {
    boolean ready = publisher.connected();
    var response = HealthCheckResponse.named("broker").status(ready);
    if (!ready) {
      response.withData("problem", publisher.problem());
    }
    return response.build();
  }
}
