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

  /**
   * Where the orchestrator parks dead letters it cannot read (body and headers unchanged, plus
   * {@link #PARKED_FROM_HEADER}): a durable quorum queue without dead-lettering or delivery limit,
   * reached through the default exchange by its name. Nobody consumes it; an operator inspects it
   * and drops or replays what it holds (docs/operating.md).
   */
  public static final String PARKED = "lgf.parked";

  /** Header of a parked message: the queue it was dead-lettered into. */
  public static final String PARKED_FROM_HEADER = "x-lgf-parked-from";

  /** Header of a parked message: why it could not be read. */
  public static final String PARKED_REASON_HEADER = "x-lgf-parked-reason";

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

  /**
   * Declares the exchanges, the given queues, their dead-letter queues and bindings. {@link
   * #PARKED} among them is declared as it is: no binding, no dead-lettering, no delivery limit.
   */
  public static void declare(Channel channel, List<String> queues) throws IOException {
    channel.exchangeDeclare(EXCHANGE, "direct", true);
    channel.exchangeDeclare(DEAD_LETTER_EXCHANGE, "direct", true);
    for (String queue : queues) {
      if (queue.equals(PARKED)) {
        channel.queueDeclare(PARKED, true, false, false, Map.of("x-queue-type", "quorum"));
        continue;
      }
      channel.queueDeclare(queue, true, false, false, queueArguments(queue));
      channel.queueBind(queue, EXCHANGE, queue);
      String dlq = queue + ".dlq";
      channel.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", "quorum"));
      channel.queueBind(dlq, DEAD_LETTER_EXCHANGE, queue);
    }
  }
}
