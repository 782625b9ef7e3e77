package io.logicgraph.model.broker;

import org.eclipse.microprofile.health.HealthCheckResponse;

/** The readiness answer every service gives about its broker link: check {@code broker}. */
public final class BrokerHealth {
  private BrokerHealth() {}

  /** UP while the link is ready; DOWN with the reason as {@code problem} otherwise. */
  public static HealthCheckResponse of(Broker broker) {
    boolean ready = broker.isReady();
    var response = HealthCheckResponse.named("broker").status(ready);
    if (!ready) {
      response.withData("problem", broker.problem());
    }
    return response.build();
  }
}
