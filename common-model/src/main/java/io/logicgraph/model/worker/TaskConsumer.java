package io.logicgraph.model.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.broker.Delivery;
import io.logicgraph.model.broker.OutgoingMessage;
import io.logicgraph.model.broker.Subscription;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes the pool's NodeTask messages, runs at most {@code worker.concurrency} of them at once,
 * publishes each NodeResult and acknowledges the task only after the broker confirmed the result.
 *
 * <p>Failure handling, deliberately: a message that cannot be read as a NodeTask is rejected and
 * dead-lettered ({@code <queue>.dlq}); a node that fails yields a FAILED result and the task is
 * acked (retries are the orchestrator's); a result that cannot be published is handed back so the
 * broker redelivers the task (the queue's delivery limit bounds the loop, the orchestrator drops
 * duplicate results). A task delivered again runs alone and counted (see {@link SuspectMarks}); one
 * that already took {@code worker.poison-crashes} workers down with it is dead-lettered unrun.
 */
@Startup // created eagerly, so worker_active_tasks is exported before the first task
@ApplicationScoped
public class TaskConsumer {
  private static final Logger LOG = Logger.getLogger(TaskConsumer.class);

  private final PoolRunner runner;
  private final WorkerBroker broker;
  private final WorkerMetrics metrics;
  private final WorkerConfig config;
  private final Vertx vertx;
  private final AdmissionGate gate;
  private final ProgressEvents progress;
  private final SuspectMarks suspects;
  private final FaultInjection faults;
  private final String workerId;
  private volatile Subscription subscription;

  public TaskConsumer(
      PoolRunner runner,
      WorkerBroker broker,
      WorkerMetrics metrics,
      WorkerConfig config,
      Vertx vertx,
      ProgressEvents progress,
      SuspectMarks suspects,
      FaultInjection faults) {
    if (config.poisonCrashes() < 1) {
      throw new IllegalArgumentException(
          "worker.poison-crashes must be at least 1, not " + config.poisonCrashes());
    }
    if (config.effectivePrefetch() < 1) {
      throw new IllegalArgumentException(
          "worker.prefetch must be at least 1, not " + config.effectivePrefetch());
    }
    this.runner = runner;
    this.broker = broker;
    this.metrics = metrics;
    this.config = config;
    this.vertx = vertx;
    this.progress = progress;
    this.suspects = suspects;
    this.faults = faults;
    this.gate = new AdmissionGate(config.concurrency());
    this.workerId = config.id().orElseGet(() -> defaultWorkerId(runner.kind().label()));
    metrics.activeTasks(gate::inUse);
  }

  void onStart(@Observes StartupEvent event) {
    subscription =
        broker.broker().subscribe(runner.kind().queue(), config.effectivePrefetch(), this::admit);
    LOG.infof(
        "consuming %s: concurrency %d, prefetch %d",
        runner.kind().queue(), config.concurrency(), config.effectivePrefetch());
  }

  /** Stops taking tasks, then lets running attempts finish for up to {@code shutdown-grace}. */
  void onStop(@Observes ShutdownEvent event) {
    Subscription current = subscription;
    if (current == null) {
      return;
    }
    current.cancel();
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    while (gate.inUse() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (gate.inUse() > 0) {
      LOG.warnf(
          "stopping with %d attempt(s) still running; the broker redelivers them", gate.inUse());
    }
  }

  /**
   * Admits one delivered task: it waits for a concurrency slot (the broker's prefetch bounds how
   * many wait), then runs.
   */
  void admit(Delivery delivery) {
    NodeTask task;
    try {
      task = parse(delivery.body());
    } catch (IOException | RuntimeException e) {
      LOG.errorf("unreadable task message dead-lettered: %s", e.getMessage());
      metrics.taskProcessed("rejected");
      delivery.reject();
      return;
    }
    if (!delivery.redelivered()) {
      gate.acquire().subscribe().with(ignored -> start(task, delivery, false));
      return;
    }
    // Delivered again: its last holder died or gave it back. It runs alone and counted, so a task
    // that crashes its worker every time is told apart from its neighbours (see SuspectTasks).
    suspects
        .crashes(task)
        .subscribe()
        .with(
            crashes -> {
              if (crashes >= config.poisonCrashes()) {
                putMdc(task);
                LOG.errorf(
                    "%d worker(s) died running this task alone: dead-lettered as a poison task",
                    crashes);
                metrics.taskProcessed("poison");
                delivery.reject();
                MDC.clear();
                return;
              }
              gate.acquireExclusive().subscribe().with(ignored -> start(task, delivery, true));
            });
  }

  private void start(NodeTask task, Delivery delivery, boolean suspect) {
    Context taskContext = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    Executor onTaskContext = command -> taskContext.runOnContext(ignored -> command.run());
    taskContext.runOnContext(
        ignored -> {
          putMdc(task);
          if (suspect) {
            LOG.warn(
                "task delivered again (its last holder died or gave it back): running it alone");
          }
          Uni<Void> marked = suspect ? suspects.mark(task) : Uni.createFrom().voidItem();
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
              .call(result -> started.chain(() -> publish(result)))
              .emitOn(onTaskContext)
              .subscribe()
              .with(
                  result -> {
                    metrics.taskProcessed(result.outcome().wire());
                    delivery.ack();
                    finish(task, suspect);
                  },
                  failure -> {
                    LOG.errorf("result not published (%s); task requeued", failure.getMessage());
                    metrics.taskProcessed("requeued");
                    delivery.requeue();
                    finish(task, suspect);
                  });
        });
  }

  /** Publishes the result; completes once the broker confirmed it. */
  private Uni<Void> publish(NodeResult result) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(result);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    OutgoingMessage message =
        OutgoingMessage.persistentJson(
            Topology.EXCHANGE,
            Queues.RESULTS_AGGREGATION,
            result.executionId() + "/" + result.nodeId() + "/" + result.attempt(),
            body);
    return Uni.createFrom()
        .completionStage(() -> broker.publisher().publish(message))
        .ifNoItem()
        .after(config.publishTimeout())
        .failWith(
            () ->
                new IllegalStateException(
                    "no publisher confirm within " + config.publishTimeout().toMillis() + " ms"));
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

  /** Reads a task message. */
  static NodeTask parse(byte[] bytes) throws IOException {
    NodeTask task = Json.MAPPER.readValue(bytes, NodeTask.class);
    if (task == null
        || task.executionId() == null
        || task.nodeId() == null
        || task.node() == null) {
      throw new IllegalArgumentException("task lacks execution_id, node_id or node");
    }
    return task;
  }

  private static String defaultWorkerId(String pool) {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown-host";
      }
    }
    return "worker-" + pool + "@" + host + ":" + ProcessHandle.current().pid();
  }
}
