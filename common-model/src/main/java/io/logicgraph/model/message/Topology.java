package io.logicgraph.model.message;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The broker topology every service agrees on: one direct exchange, five durable quorum queues
 * bound by their own name, each with a dead-letter queue {@code <queue>.dlq} on exchange {@code
 * DLX} and a delivery limit for poison messages. The arguments equal those the messaging connector
 * declares for the consuming channels (see each service's application.properties), so whichever
 * side declares first, the other's declaration is a no-op.
 */
public final class Topology {
  /** The exchange all five queues are bound to, routing key = queue name. */
  public static final String EXCHANGE = "logic-graph";

  /** The dead-letter exchange (the connector's default name). */
  public static final String DEAD_LETTER_EXCHANGE = "DLX";

  /** Deliveries of one message before the broker dead-letters it (poison protection). */
  public static final int DELIVERY_LIMIT = 5;

  public static final List<String> QUEUES =
      List.of(
          Queues.GRAPH_ORCHESTRATION,
          Queues.RESULTS_AGGREGATION,
          Queues.DB_TASKS,
          Queues.AI_TASKS,
          Queues.RULE_TASKS);

  private Topology() {}

  /** Arguments of a work queue. */
  public static Map<String, Object> queueArguments(String queue) {
    return Map.of(
        "x-queue-type", "quorum",
        "x-delivery-limit", DELIVERY_LIMIT,
        "x-dead-letter-exchange", DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key", queue);
  }

  /** Declares the exchanges, the given queues, their dead-letter queues and bindings. */
  public static void declare(Channel channel, List<String> queues) throws IOException {
    channel.exchangeDeclare(EXCHANGE, "direct", true);
    channel.exchangeDeclare(DEAD_LETTER_EXCHANGE, "direct", true);
    for (String queue : queues) {
      channel.queueDeclare(queue, true, false, false, queueArguments(queue));
      channel.queueBind(queue, EXCHANGE, queue);
      String dlq = queue + ".dlq";
      channel.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", "quorum"));
      channel.queueBind(dlq, DEAD_LETTER_EXCHANGE, queue);
    }
  }
}
