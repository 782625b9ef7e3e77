package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.broker.Delivery;
import io.logicgraph.model.broker.Subscription;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.Queues;
import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.OrchestratorConfig;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;

/**
 * Consumes execution requests from {@code graph.orchestration} (prefetch {@value #PREFETCH}) and
 * starts the executions, {@code orchestrator.request-concurrency} at a time; each request is acked
 * once its step completed (committed, tasks confirmed by the broker, marked dispatched).
 */
@ApplicationScoped
public class ExecutionRequestConsumer {
  /** Unsettled execution requests this replica holds at most. */
  static final int PREFETCH = 64;

  private final OrchestratorBroker broker;
  private final Advancer advancer;
  private final QueueMetrics metrics;
  private final Vertx vertx;
  private final Slots slots;
  private volatile Subscription subscription;

  public ExecutionRequestConsumer(
      OrchestratorBroker broker,
      Advancer advancer,
      QueueMetrics metrics,
      Vertx vertx,
      OrchestratorConfig config) {
    this.broker = broker;
    this.advancer = advancer;
    this.metrics = metrics;
    this.vertx = vertx;
    this.slots = new Slots(config.requestConcurrency());
  }

  void onStart(@Observes StartupEvent event) {
    subscription = broker.broker().subscribe(Queues.GRAPH_ORCHESTRATION, PREFETCH, this::consume);
  }

  void onStop(@Observes ShutdownEvent event) {
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  void consume(Delivery delivery) {
    metrics.consumed(Queues.GRAPH_ORCHESTRATION);
    ExecutionRequest request;
    try {
      request = Json.MAPPER.readValue(delivery.body(), ExecutionRequest.class);
      if (request.executionId() == null) {
        throw new IllegalArgumentException("an execution request needs execution_id");
      }
    } catch (IOException | RuntimeException e) {
      Log.errorf("unreadable execution request dead-lettered: %s", e.getMessage());
      Acks.reject(delivery);
      return;
    }
    slots.acquire(
        () ->
            Acks.ackAfter(
                vertx,
                delivery,
                () ->
                    Uni.createFrom()
                        .deferred(() -> advancer.request(request.executionId()))
                        .onTermination()
                        .invoke(slots::release),
                "start of " + request.executionId(),
                Map.of("execution_id", request.executionId().toString())));
  }
}
