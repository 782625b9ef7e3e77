package io.logicgraph.orchestrator;

import io.logicgraph.model.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Real RabbitMQ (own virtual host), Redis and PostgreSQL (own database) for the orchestrator's
 * tests.
 */
public class InfraResource implements QuarkusTestResourceLifecycleManager {
  /** The virtual host the orchestrator's tests run on. */
  public static final String VHOST = "orchestrator-test";

  @Override
  public Map<String, String> start() {
    return TestInfrastructure.isolated(VHOST).withDatabase("orchestrator_test").quarkusProperties();
  }

  @Override
  public void stop() {}
}
