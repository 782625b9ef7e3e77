package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.Queues;
import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/** Consumes execution requests from {@code graph.orchestration} and starts the executions. */
@ApplicationScoped
public class ExecutionRequestConsumer {
  /** Channel name (queue {@code graph.orchestration}). */
  public static final String CHANNEL = "execution-requests";

  private final Advancer advancer;
  private final QueueMetrics metrics;

  public ExecutionRequestConsumer(Advancer advancer, QueueMetrics metrics) {
    this.advancer = advancer;
    this.metrics = metrics;
  }

  @Incoming(CHANNEL)
  public Uni<Void> consume(Message<JsonObject> message) {
    metrics.consumed(Queues.GRAPH_ORCHESTRATION);
    ExecutionRequest request;
    try {
      request = Json.MAPPER.convertValue(message.getPayload().getMap(), ExecutionRequest.class);
      if (request.executionId() == null) {
        throw new IllegalArgumentException("an execution request needs execution_id");
      }
    } catch (RuntimeException e) {
      Log.errorf("unreadable execution request dead-lettered: %s", e.getMessage());
      return Acks.reject(message, e);
    }
    MDC.put("execution_id", request.executionId().toString());
    return Acks.ackAfter(
        message, advancer.request(request.executionId()), "start of " + request.executionId());
  }
}
