package io.logicgraph.gateway;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.agroal.api.AgroalDataSource;
import io.logicgraph.model.message.Queues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What a request could have stored or published: the row count of every table of the state database
 * and the depth of every queue of the gateway's virtual host. Two snapshots taken around a rejected
 * request must be equal.
 */
final class StoreLedger implements AutoCloseable {
  static final List<String> TABLES =
      List.of(
          "graph_definitions",
          "graph_versions",
          "graph_executions",
          "execution_idempotency_keys",
          "node_executions",
          "node_attempts",
          "node_items",
          "api_keys");

  private static final List<String> QUEUES =
      List.of(
          Queues.GRAPH_ORCHESTRATION,
          Queues.RESULTS_AGGREGATION,
          Queues.DB_TASKS,
          Queues.AI_TASKS,
          Queues.RULE_TASKS);

  private final Sql sql;
  private final List<String> queues = new java.util.ArrayList<>();
  private final Connection broker;
  private Channel channel;

  StoreLedger(AgroalDataSource database) throws Exception {
    this.sql = new Sql(database);
    var config = ConfigProvider.getConfig();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.getValue("rabbitmq-host", String.class));
    factory.setPort(config.getValue("rabbitmq-port", Integer.class));
    factory.setUsername(config.getValue("rabbitmq-username", String.class));
    factory.setPassword(config.getValue("rabbitmq-password", String.class));
    factory.setVirtualHost(config.getValue("rabbitmq-virtual-host", String.class));
    this.broker = factory.newConnection("store-ledger");
    this.channel = broker.createChannel();
    for (String queue : QUEUES) {
      if (depth(queue) >= 0) {
        queues.add(queue);
      }
    }
  }

  /** Row counts ("table:name") and the depths of the queues that existed at the start. */
  Map<String, Long> snapshot() {
    return snapshot(queues);
  }

  /** Row counts and the depths of every queue (absent ones count as -1). */
  Map<String, Long> fullSnapshot() {
    return snapshot(QUEUES);
  }

  private Map<String, Long> snapshot(List<String> queues) {
    Map<String, Long> counts = new LinkedHashMap<>();
    Map<String, Object> row =
        sql.row(
            "SELECT "
                + String.join(
                    ", ",
                    TABLES.stream().map(t -> "(SELECT count(*) FROM " + t + ") AS " + t).toList()));
    for (String table : TABLES) {
      counts.put("table:" + table, ((Number) row.get(table)).longValue());
    }
    for (String queue : queues) {
      counts.put("queue:" + queue, depth(queue));
    }
    return counts;
  }

  private long depth(String queue) {
    try {
      return channel.messageCount(queue);
    } catch (Exception e) {
      // a passive declaration of an absent queue closes the channel: open another
      try {
        channel = broker.createChannel();
      } catch (Exception again) {
        throw new IllegalStateException("cannot reach the broker", again);
      }
      return -1;
    }
  }

  @Override
  public void close() throws Exception {
    broker.close();
  }
}
