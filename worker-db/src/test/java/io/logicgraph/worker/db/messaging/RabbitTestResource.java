package io.logicgraph.worker.db.messaging;

import io.logicgraph.model.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * RabbitMQ on a virtual host of this module's own, and the platform Redis (progress events); the
 * worker needs no platform database.
 */
public class RabbitTestResource implements QuarkusTestResourceLifecycleManager {
  static final String VHOST = "worker-db-test";

  @Override
  public Map<String, String> start() {
    Map<String, String> properties = new HashMap<>();
    TestInfrastructure.isolated(VHOST)
        .quarkusProperties()
        .forEach(
            (key, value) -> {
              if (key.startsWith("rabbitmq-") || key.equals("quarkus.redis.hosts")) {
                properties.put(key, value);
              }
            });
    return properties;
  }

  @Override
  public void stop() {}
}
