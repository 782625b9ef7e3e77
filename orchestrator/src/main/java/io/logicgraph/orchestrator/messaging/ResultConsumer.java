package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.Queues;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/** Consumes node results from {@code results.aggregation} and advances their executions. */
@ApplicationScoped
public class ResultConsumer {
  /** Channel name (queue {@code results.aggregation}). */
  public static final String CHANNEL = "results";

  private final ResultBatcher batcher;
  private final QueueMetrics metrics;

  public ResultConsumer(ResultBatcher batcher, QueueMetrics metrics) {
    this.batcher = batcher;
    this.metrics = metrics;
  }

  @Incoming(CHANNEL)
  public Uni<Void> consume(Message<JsonObject> message) {
    metrics.consumed(Queues.RESULTS_AGGREGATION);
    NodeResult result;
    try {
      result = Json.MAPPER.convertValue(message.getPayload().getMap(), NodeResult.class);
      if (result.executionId() == null
          || result.nodeId() == null
          || result.outcome() == null
          || result.attempt() < 1) {
        throw new IllegalArgumentException(
            "a node result needs execution_id, node_id, attempt >= 1 and outcome");
      }
    } catch (RuntimeException e) {
      Log.errorf("unreadable node result dead-lettered: %s", e.getMessage());
      return Acks.reject(message, e);
    }
    MDC.put("execution_id", result.executionId().toString());
    MDC.put("node_id", result.nodeId());
    MDC.put("attempt", String.valueOf(result.attempt()));
    return Acks.ackAfter(
        message,
        batcher.apply(result),
        "result of " + result.executionId() + "/" + result.nodeId() + "#" + result.attempt());
  }
}
