package io.logicgraph.worker.db.messaging;

import io.logicgraph.worker.db.TestDatabase;
import java.util.Map;

/** RabbitMQ on this module's virtual host, plus the test database as datasource {@code test_db}. */
public class DbTestResource extends RabbitTestResource {
  /** A datasource nobody listens on; its password must never surface. */
  public static final String DOWN_PASSWORD = "s3cret-down-pw";

  @Override
  public Map<String, String> start() {
    TestDatabase.prepare();
    Map<String, String> properties = super.start();
    properties.put("worker-db.datasources.\"test_db\".url", TestDatabase.url());
    properties.put(
        "worker-db.datasources.\"down_db\".url",
        "postgresql://logic_graph:" + DOWN_PASSWORD + "@127.0.0.1:1/nowhere");
    properties.put("worker-db.datasources.\"down_db\".timeout-ms", "2000");
    return properties;
  }
}
