package io.logicgraph.orchestrator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.model.broker.OutgoingMessage;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Topology;
import io.quarkus.logging.Log;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Publishes node tasks to their worker pool's queue as persistent messages; the returned Uni
 * completes only once the broker confirmed every one of them, and it resumes on the caller's Vert.x
 * context (confirms arrive on the broker client's threads).
 */
@ApplicationScoped
public class TaskDispatcher {
  /**
   * How long the broker may take to confirm a step's tasks. A publish on a connection that died (a
   * broker restart) may never be answered; without a bound the step, and with it the consumer that
   * waits for it or the reconciler's pass, would hang for good. A step that times out fails and is
   * retried; its tasks stay recorded as undispatched until they are confirmed.
   */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private final OrchestratorBroker broker;
  private final Vertx vertx;

  public TaskDispatcher(OrchestratorBroker broker, Vertx vertx) {
    this.broker = broker;
    this.vertx = vertx;
  }

  public Uni<Void> publish(List<NodeTask> tasks) {
    if (tasks.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<OutgoingMessage> messages = new ArrayList<>();
    for (NodeTask task : tasks) {
      if (task.node().nodeType().worker().isPool()) {
        messages.add(message(task));
      } else {
        // Run by the orchestrator itself (SubgraphNode): there is no queue to publish it to.
        Log.errorf(
            "task of %s node %s of execution %s not published: no worker pool runs it",
            task.node().nodeType().typeName(), task.nodeId(), task.executionId());
      }
    }
    if (messages.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Uni.createFrom()
        .deferred(
            () -> {
              Executor caller = callerContext();
              return Uni.createFrom()
                  .completionStage(() -> broker.publisher().publishAll(messages))
                  .ifNoItem()
                  .after(CONFIRM_TIMEOUT)
                  .failWith(
                      () ->
                          new IllegalStateException(
                              "the broker did not confirm "
                                  + messages.size()
                                  + " task(s) within "
                                  + CONFIRM_TIMEOUT.toSeconds()
                                  + " s"))
                  .emitOn(caller);
            });
  }

  /** Runs on the caller's Vert.x context, or on a new duplicated one when it has none. */
  private Executor callerContext() {
    Context current = Vertx.currentContext();
    Context context =
        current != null
            ? current
            : VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    return command -> context.runOnContext(ignored -> command.run());
  }

  private static OutgoingMessage message(NodeTask task) {
    try {
      return OutgoingMessage.persistentJson(
          Topology.EXCHANGE,
          task.node().nodeType().worker().queue(),
          task.executionId() + "/" + task.nodeId() + "/" + task.attempt(),
          Json.MAPPER.writeValueAsBytes(task));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task cannot be serialized", e);
    }
  }
}
