package io.logicgraph.worker.db.messaging;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.logicgraph.model.testing.TestInfrastructure;
import io.logicgraph.worker.db.TestDatabase;
import io.logicgraph.worker.db.TestMariaDb;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * RabbitMQ on this module's virtual host, plus one datasource of every kind: {@code test_db}
 * (PostgreSQL), {@code mysql_db} (MariaDB), {@code redis_db} (Redis, database index {@value
 * #REDIS_DB}) and {@code mongo_db} (an in-process MongoDB wire-protocol server), and {@code
 * down_db}, which nobody listens on. Tests read the URLs from the configuration ({@code test.*}).
 */
public class DbTestResource extends RabbitTestResource {
  /** A datasource nobody listens on; its password must never surface. */
  public static final String DOWN_PASSWORD = "s3cret-down-pw";

  /** The Redis database index of these tests (keys are also prefixed per run). */
  public static final int REDIS_DB = 9;

  private MongoServer mongo;

  @Override
  public Map<String, String> start() {
    TestDatabase.prepare();
    Map<String, String> properties = super.start();
    properties.put("worker-db.datasources.\"test_db\".url", TestDatabase.url());
    properties.put("test.postgres-url", TestDatabase.url());
    properties.put(
        "worker-db.datasources.\"down_db\".url",
        "postgresql://logic_graph:" + DOWN_PASSWORD + "@127.0.0.1:1/nowhere");
    properties.put("worker-db.datasources.\"down_db\".timeout-ms", "2000");

    String mysql = TestMariaDb.prepare();
    properties.put("worker-db.datasources.\"mysql_db\".url", mysql);
    properties.put("test.mysql-url", mysql);

    String redis =
        TestInfrastructure.endpoints().redisUrl().replaceAll("(//[^/]*)/.*$", "$1")
            + "/"
            + REDIS_DB;
    properties.put("worker-db.datasources.\"redis_db\".url", redis);
    properties.put("test.redis-url", redis);

    mongo = new MongoServer(new MemoryBackend());
    InetSocketAddress address = mongo.bind();
    String mongoUrl = "mongodb://127.0.0.1:" + address.getPort() + "/worker_db_test";
    properties.put("worker-db.datasources.\"mongo_db\".url", mongoUrl);
    properties.put("test.mongo-url", mongoUrl);
    return properties;
  }

  @Override
  public void stop() {
    if (mongo != null) {
      mongo.shutdownNow();
    }
    super.stop();
  }
}
