package io.logicgraph.worker.rule.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.rule.NodeRunner;
import io.logicgraph.worker.rule.WorkerConfig;
import io.logicgraph.worker.rule.WorkerMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes NodeTask messages, runs at most {@code worker.concurrency} of them at once, publishes
 * each NodeResult and acknowledges the task only after the broker confirmed the result.
 *
 * <p>Failure handling, deliberately: a message that cannot be read as a NodeTask is nacked and the
 * channel's {@code failure-strategy=reject} dead-letters it ({@code <queue>.dlq}); a node that
 * fails yields a FAILED result and the task is acked (retries are the orchestrator's); a result
 * that cannot be published is nacked with requeue so the broker redelivers the task (the queue's
 * delivery limit bounds the loop, the orchestrator drops duplicate results).
 */
@Startup // created eagerly, so worker_active_tasks is exported before the first task
@ApplicationScoped
public class TaskConsumer {
  private static final Logger LOG = Logger.getLogger(TaskConsumer.class);
  private static final Metadata REQUEUE = Metadata.of(new RabbitMQRejectMetadata(true));

  private final NodeRunner runner;
  private final ResultPublisher publisher;
  private final BrokerTopology topology;
  private final WorkerMetrics metrics;
  private final WorkerConfig config;
  private final Vertx vertx;
  private final AdmissionGate gate;
  private final ProgressEvents progress;
  private final SuspectMarks suspects;
  private final FaultInjection faults;
  private final String workerId;

  public TaskConsumer(
      NodeRunner runner,
      ResultPublisher publisher,
      BrokerTopology topology,
      WorkerMetrics metrics,
      WorkerConfig config,
      Vertx vertx,
      ProgressEvents progress,
      SuspectMarks suspects,
      FaultInjection faults) {
    this.runner = runner;
    this.publisher = publisher;
    this.topology = topology;
    this.metrics = metrics;
    this.config = config;
    this.vertx = vertx;
    this.progress = progress;
    this.suspects = suspects;
    this.faults = faults;
    this.gate = new AdmissionGate(config.concurrency());
    this.workerId = config.id().orElseGet(TaskConsumer::defaultWorkerId);
    metrics.activeTasks(gate::inUse);
  }

  /**
   * Admits one task: the returned Uni completes when the task got a concurrency slot (so the
   * connector hands over the next message), not when the task is done.
   */
  @Incoming(Channels.TASKS)
  public Uni<Void> consume(Message<JsonObject> message) {
    NodeTask task;
    try {
      task = parse(((Message<?>) message).getPayload());
    } catch (IOException | RuntimeException e) {
      LOG.errorf("unreadable task message dead-lettered: %s", e.getMessage());
      metrics.taskProcessed("rejected");
      return Uni.createFrom().completionStage(message.nack(e));
    }
    // A task delivered again lost its previous holder (a crash) or was given back: it runs alone,
    // marked, so a task that crashes its worker every time is told apart from its neighbours when
    // the broker dead-letters it (see SuspectTasks).
    boolean suspect =
        message
            .getMetadata(IncomingRabbitMQMetadata.class)
            .map(IncomingRabbitMQMetadata::isRedeliver)
            .orElse(false);
    if (suspect) {
      return topology
          .declared()
          .chain(gate::acquireExclusive)
          .invoke(() -> start(task, message, true));
    }
    return topology.declared().chain(gate::acquire).invoke(() -> start(task, message, false));
  }

  private void start(NodeTask task, Message<JsonObject> message, boolean suspect) {
    Context taskContext = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    Executor onTaskContext = command -> taskContext.runOnContext(ignored -> command.run());
    taskContext.runOnContext(
        ignored -> {
          putMdc(task);
          if (suspect) {
            LOG.warn(
                "task delivered again (its last holder died or gave it back): running it alone");
          }
          Uni<Void> marked = suspect ? suspects.mark(task, workerId) : Uni.createFrom().voidItem();
          Instant startedAt = Instant.now();
          Uni<Void> started = progress.nodeStarted(task, workerId, startedAt);
          marked
              .chain(
                  () -> {
                    faults.apply(task);
                    return attempt(task, startedAt);
                  })
              .emitOn(onTaskContext)
              .map(output -> outcome(task, output, startedAt))
              .onFailure()
              .recoverWithItem(failure -> failed(task, failure, startedAt))
              .invoke(result -> record(task, result, startedAt))
              .call(result -> started.chain(() -> publisher.publish(result)))
              .emitOn(onTaskContext)
              .subscribe()
              .with(
                  result -> {
                    metrics.taskProcessed(result.outcome().wire());
                    message.ack();
                    finish(task, suspect);
                  },
                  failure -> {
                    LOG.errorf("result not published (%s); task requeued", failure.getMessage());
                    metrics.taskProcessed("requeued");
                    message.nack(failure, REQUEUE);
                    finish(task, suspect);
                  });
        });
  }

  /** Frees the task's slot; a suspect task that ended without crashing loses its mark. */
  private void finish(NodeTask task, boolean suspect) {
    if (suspect) {
      suspects.clear(task);
      gate.releaseExclusive();
    } else {
      gate.release();
    }
  }

  private Uni<ObjectNode> attempt(NodeTask task, Instant startedAt) {
    if (task.schemaVersion() > NodeTask.SCHEMA_VERSION) {
      throw new LogicGraphException(
          ErrorCode.E007,
          "task schema_version "
              + task.schemaVersion()
              + " is newer than this worker understands ("
              + NodeTask.SCHEMA_VERSION
              + ")",
          false,
          "upgrade the worker");
    }
    Instant deadline =
        task.deadline() != null ? task.deadline() : startedAt.plus(config.defaultTimeout());
    Duration remaining = Duration.between(startedAt, deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      throw new LogicGraphException(
          ErrorCode.E005,
          "the attempt's deadline " + deadline + " passed before it started",
          true,
          "the worker pool is saturated or the timeout is too short");
    }
    return runner
        .run(task, deadline)
        .ifNoItem()
        .after(remaining)
        .failWith(
            () ->
                new LogicGraphException(
                    ErrorCode.E005,
                    "node did not finish within its deadline (" + remaining.toMillis() + " ms)",
                    true,
                    "raise timeout_ms or make the node faster"));
  }

  private NodeResult outcome(NodeTask task, ObjectNode output, Instant startedAt) {
    int size;
    try {
      size = Json.MAPPER.writeValueAsBytes(output).length;
    } catch (JsonProcessingException e) {
      throw new LogicGraphException(ErrorCode.E007, "node output is not serializable", false, null);
    }
    if (size > config.maxOutputBytes()) {
      throw new LogicGraphException(
          ErrorCode.E010,
          "output of node '"
              + task.nodeId()
              + "' is "
              + size
              + " bytes, above the limit of "
              + config.maxOutputBytes(),
          false,
          "select fewer rows or fields, or lower max_tokens");
    }
    return NodeResult.succeeded(task, output, startedAt, Instant.now(), workerId);
  }

  private NodeResult failed(NodeTask task, Throwable failure, Instant startedAt) {
    NodeError error;
    if (failure instanceof LogicGraphException known) {
      error = known.toNodeError(task.nodeId());
    } else {
      LOG.error("unexpected failure while running the node", failure);
      error =
          NodeError.permanent(
              ErrorCode.E001,
              task.nodeId(),
              "unexpected worker error",
              "see the worker log for execution " + task.executionId());
    }
    return NodeResult.failed(task, error, startedAt, Instant.now(), workerId);
  }

  private void record(NodeTask task, NodeResult result, Instant startedAt) {
    String nodeType =
        task.node().nodeType() == null ? "unknown" : task.node().nodeType().typeName();
    Duration took = Duration.between(startedAt, result.completedAt());
    boolean ok = result.outcome() == NodeOutcome.SUCCEEDED;
    metrics.nodeExecuted(
        nodeType, result.outcome().wire(), took, ok ? null : result.error().code().name());
    if (ok) {
      LOG.debugf("node succeeded in %d ms", took.toMillis());
    } else {
      LOG.infof(
          "node failed in %d ms: %s %s (retryable=%s)",
          took.toMillis(),
          result.error().code(),
          result.error().message(),
          result.error().retryable());
    }
  }

  private static void putMdc(NodeTask task) {
    MDC.put("execution_id", String.valueOf(task.executionId()));
    MDC.put("node_id", task.nodeId());
    MDC.put(
        "node_type",
        task.node().nodeType() == null ? "unknown" : task.node().nodeType().typeName());
    MDC.put("attempt", String.valueOf(task.attempt()));
  }

  /** Reads a task whatever form the connector delivered it in (JSON object, bytes, text). */
  static NodeTask parse(Object payload) throws IOException {
    byte[] bytes;
    if (payload instanceof JsonObject json) {
      bytes = json.toBuffer().getBytes();
    } else if (payload instanceof Buffer buffer) {
      bytes = buffer.getBytes();
    } else if (payload instanceof byte[] raw) {
      bytes = raw;
    } else if (payload instanceof String text) {
      bytes = text.getBytes(StandardCharsets.UTF_8);
    } else {
      throw new IllegalArgumentException(
          "payload is not a JSON object but " + (payload == null ? "empty" : "another type"));
    }
    NodeTask task = Json.MAPPER.readValue(bytes, NodeTask.class);
    if (task.executionId() == null || task.nodeId() == null || task.node() == null) {
      throw new IllegalArgumentException("task lacks execution_id, node_id or node");
    }
    return task;
  }

  private static String defaultWorkerId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown-host";
      }
    }
    return "worker-" + WorkerMetrics.WORKER_TYPE + "@" + host + ":" + ProcessHandle.current().pid();
  }
}
