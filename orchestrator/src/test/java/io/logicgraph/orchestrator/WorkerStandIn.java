package io.logicgraph.orchestrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plays the three worker pools over the real broker: records every task it receives and answers
 * with whatever {@code behaviour} returns for it (null: the task is "lost", no answer).
 */
final class WorkerStandIn implements AutoCloseable {
  final List<NodeTask> tasks = new CopyOnWriteArrayList<>();
  private final Connection connection;
  private final Channel channel;
  private volatile Function<NodeTask, List<NodeResult>> behaviour;

  WorkerStandIn(Function<NodeTask, List<NodeResult>> behaviour) throws Exception {
    this.behaviour = behaviour;
    connection = connect("worker-stand-in");
    channel = connection.createChannel();
    Topology.declare(channel, Topology.QUEUES);
    for (String queue : List.of(Queues.DB_TASKS, Queues.AI_TASKS, Queues.RULE_TASKS)) {
      channel.queuePurge(queue);
      DeliverCallback onTask =
          (tag, delivery) -> {
            NodeTask task = Json.MAPPER.readValue(delivery.getBody(), NodeTask.class);
            tasks.add(task);
            List<NodeResult> answers = this.behaviour.apply(task);
            if (answers != null) {
              for (NodeResult answer : answers) {
                publish(answer);
              }
            }
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
          };
      channel.basicConsume(queue, false, onTask, tag -> {});
    }
  }

  /** A connection to the broker and virtual host the service under test uses. */
  static Connection connect(String name) throws Exception {
    Config config = ConfigProvider.getConfig();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.getValue("rabbitmq-host", String.class));
    factory.setPort(config.getValue("rabbitmq-port", Integer.class));
    factory.setUsername(config.getValue("rabbitmq-username", String.class));
    factory.setPassword(config.getValue("rabbitmq-password", String.class));
    factory.setVirtualHost(
        config.getOptionalValue("rabbitmq-virtual-host", String.class).orElse("/"));
    return factory.newConnection(name);
  }

  void behave(Function<NodeTask, List<NodeResult>> next) {
    this.behaviour = next;
  }

  synchronized void publish(NodeResult result) throws java.io.IOException {
    channel.basicPublish(
        Topology.EXCHANGE,
        Queues.RESULTS_AGGREGATION,
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
        Json.MAPPER.writeValueAsBytes(result));
  }

  long tasksFor(String nodeId) {
    return tasks.stream().filter(t -> t.nodeId().equals(nodeId)).count();
  }

  static NodeResult succeed(NodeTask task, ObjectNode output) {
    java.time.Instant now = java.time.Instant.now();
    return NodeResult.succeeded(task, output, now, now, "stand-in");
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
