package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.broker.Delivery;
import io.logicgraph.model.broker.Subscription;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.Queues;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;

/**
 * Consumes node results from {@code results.aggregation} (prefetch {@value #PREFETCH}) and advances
 * their executions through the {@link ResultBatcher}; a result is acked only once the step that
 * applied it completed.
 */
@ApplicationScoped
public class ResultConsumer {
  /** Unsettled results this replica holds at most (the batcher folds them into steps). */
  static final int PREFETCH = 256;

  private final OrchestratorBroker broker;
  private final ResultBatcher batcher;
  private final QueueMetrics metrics;
  private final Vertx vertx;
  private volatile Subscription subscription;

  public ResultConsumer(
      OrchestratorBroker broker, ResultBatcher batcher, QueueMetrics metrics, Vertx vertx) {
    this.broker = broker;
    this.batcher = batcher;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  void onStart(@Observes StartupEvent event) {
    subscription = broker.broker().subscribe(Queues.RESULTS_AGGREGATION, PREFETCH, this::consume);
  }

  void onStop(@Observes ShutdownEvent event) {
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  void consume(Delivery delivery) {
    metrics.consumed(Queues.RESULTS_AGGREGATION);
    NodeResult result;
    try {
      result = Json.MAPPER.readValue(delivery.body(), NodeResult.class);
      if (result.executionId() == null
          || result.nodeId() == null
          || result.outcome() == null
          || result.attempt() < 1) {
        throw new IllegalArgumentException(
            "a node result needs execution_id, node_id, attempt >= 1 and outcome");
      }
    } catch (IOException | RuntimeException e) {
      Log.errorf("unreadable node result dead-lettered: %s", e.getMessage());
      Acks.reject(delivery);
      return;
    }
    Acks.ackAfter(
        vertx,
        delivery,
        () -> batcher.apply(result),
        "result of " + result.executionId() + "/" + result.nodeId() + "#" + result.attempt(),
        Map.of(
            "execution_id", result.executionId().toString(),
            "node_id", result.nodeId(),
            "attempt", String.valueOf(result.attempt())));
  }
}
