package io.logicgraph.orchestrator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes node tasks to their worker pool's queue as persistent messages; the returned Uni
 * completes only once the broker confirmed every one of them.
 */
@ApplicationScoped
public class TaskDispatcher {
  /** Channel name of the outgoing tasks (exchange {@code logic-graph}). */
  public static final String CHANNEL = "tasks";

  /**
   * How long the broker may take to confirm a step's tasks. A publish on a connection that died (a
   * broker restart) may never be answered; without a bound the step, and with it the consumer that
   * waits for it or the reconciler's pass, would hang for good. A step that times out fails and is
   * retried; its tasks stay recorded as undispatched until they are confirmed.
   */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private final MutinyEmitter<JsonObject> emitter;

  public TaskDispatcher(
      @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          MutinyEmitter<JsonObject> emitter) {
    this.emitter = emitter;
  }

  public Uni<Void> publish(List<NodeTask> tasks) {
    if (tasks.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<Uni<Void>> sends = new java.util.ArrayList<>();
    for (NodeTask task : tasks) {
      if (task.node().nodeType().worker().isPool()) {
        sends.add(publish(task));
      } else {
        // Run by the orchestrator itself (SubgraphNode): there is no queue to publish it to.
        Log.errorf(
            "task of %s node %s of execution %s not published: no worker pool runs it",
            task.node().nodeType().typeName(), task.nodeId(), task.executionId());
      }
    }
    if (sends.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Uni.join()
        .all(sends)
        .andFailFast()
        .replaceWithVoid()
        .ifNoItem()
        .after(CONFIRM_TIMEOUT)
        .failWith(
            () ->
                new IllegalStateException(
                    "the broker did not confirm "
                        + sends.size()
                        + " task(s) within "
                        + CONFIRM_TIMEOUT.toSeconds()
                        + " s"));
  }

  private Uni<Void> publish(NodeTask task) {
    OutgoingRabbitMQMetadata metadata =
        OutgoingRabbitMQMetadata.builder()
            .withRoutingKey(task.node().nodeType().worker().queue())
            .withDeliveryMode(2)
            .withContentType("application/json")
            .withMessageId(task.executionId() + "/" + task.nodeId() + "/" + task.attempt())
            .build();
    return emitter.sendMessage(Message.of(toJson(task), Metadata.of(metadata)));
  }

  private static JsonObject toJson(NodeTask task) {
    try {
      return new JsonObject(Json.MAPPER.writeValueAsString(task));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task cannot be serialized", e);
    }
  }
}
