package io.logicgraph.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.context.ExecutionContexts;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.OnError;
import io.logicgraph.model.graph.RetryPolicy;
import io.logicgraph.model.message.ExecutionEventType;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.orchestrator.ExecutionNotifier.Event;
import io.logicgraph.orchestrator.engine.CacheKeys;
import io.logicgraph.orchestrator.engine.ExecutionPlanner;
import io.logicgraph.orchestrator.engine.NodeState;
import io.logicgraph.orchestrator.engine.Plan;
import io.logicgraph.orchestrator.messaging.TaskDispatcher;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.logicgraph.orchestrator.state.ChildOutcome;
import io.logicgraph.orchestrator.state.Definitions;
import io.logicgraph.orchestrator.state.DispatchMarks;
import io.logicgraph.orchestrator.state.ExecutionRow;
import io.logicgraph.orchestrator.state.ExecutionStore;
import io.logicgraph.orchestrator.state.ExecutionStore.AttemptRecord;
import io.logicgraph.orchestrator.state.FanOutItem;
import io.logicgraph.orchestrator.state.HotState;
import io.logicgraph.orchestrator.state.HotState.AttemptOutput;
import io.logicgraph.orchestrator.state.NodeRow;
import io.logicgraph.orchestrator.state.QueuedAttempt;
import io.logicgraph.orchestrator.state.ResultCache;
import io.logicgraph.orchestrator.state.ResultCache.CacheWrite;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Advances executions. Every step (a start, cancel or retry request, a node result, a reconciler
 * pass) runs the same way, which is what makes redelivery harmless:
 *
 * <ol>
 *   <li>in one PostgreSQL transaction, with the execution row locked (so replicas take turns on one
 *       execution and a join is decided once): apply the request or the result — a result only if
 *       it belongs to the node's current in-flight attempt and was not applied before ({@code
 *       node_attempts} is keyed by {@code (execution_id, node_id, attempt)}) — plan, and record the
 *       newly queued attempts;
 *   <li>publish the step's progress events (with its other Redis writes, one round trip), then its
 *       tasks, and wait for the broker's confirms;
 *   <li>hand the confirms to {@link DispatchMarks}: the next step of the execution records them as
 *       dispatched inside its own transaction, or a periodic flush does for many executions in one
 *       statement (a reconciler or wake-up step records them before it completes).
 * </ol>
 *
 * The caller acknowledges the triggering message only after the returned Uni completes, i.e. after
 * the commit and the broker's confirms. A crash before step 1 commits replays everything; a crash
 * after it leaves queued-but-unconfirmed attempts, which a replayed result or the reconciler
 * publishes again (a task published twice carries the same attempt and its second result is
 * ignored); a crash after the confirms but before the marks are written only makes the reconciler
 * publish those tasks again after the dispatch grace.
 *
 * <p>A step costs few round trips: the row lock, the node rows (with the earlier confirms written
 * in the same statement), one statement recording all of the step's results and their nodes'
 * states, one queueing the next attempts, the commit; outputs the plan needs come from this
 * replica's memory, else Redis, else PostgreSQL; the execution row's {@code updated_at} is written
 * at most every second while nodes are in flight.
 */
@ApplicationScoped
public class Advancer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Duration SUBGRAPH_TIMEOUT_WITHOUT_DEADLINE = Duration.ofHours(24);
  private static final int MAX_OUTPUT_CHARS = 256 * 1024;

  /** How stale a running execution's {@code updated_at} may get while its nodes are in flight. */
  private static final Duration TOUCH_EVERY = Duration.ofSeconds(1);

  private final ExecutionStore store;
  private final Definitions definitions;
  private final TaskDispatcher dispatcher;
  private final ExecutionNotifier notifier;
  private final HotState hot;
  private final ResultCache cache;
  private final QueueMetrics queueMetrics;
  private final DispatchMarks dispatchMarks;
  private final Vertx vertx;
  private final OrchestratorConfig config;

  public Advancer(
      ExecutionStore store,
      Definitions definitions,
      TaskDispatcher dispatcher,
      ExecutionNotifier notifier,
      HotState hot,
      ResultCache cache,
      QueueMetrics queueMetrics,
      DispatchMarks dispatchMarks,
      Vertx vertx,
      OrchestratorConfig config) {
    this.store = store;
    this.definitions = definitions;
    this.dispatcher = dispatcher;
    this.notifier = notifier;
    this.hot = hot;
    this.cache = cache;
    this.queueMetrics = queueMetrics;
    this.dispatchMarks = dispatchMarks;
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * Acts on an execution request: start, cancel or re-run. Cancel and re-run requests are stored on
   * the execution row by the gateway before it sends the message, so every kind is handled by the
   * same step (which also serves a request whose message was lost).
   */
  public Uni<Void> request(UUID executionId) {
    return advance(executionId, List.of(), false);
  }

  /** Applies one node result. */
  public Uni<Void> apply(NodeResult result) {
    return applyAll(List.of(result));
  }

  /**
   * Applies several results of one execution in one step: one transaction, one plan, one publish of
   * the successors, one round of confirms. Each result is still applied at most once (keyed by
   * execution, node and attempt), and the step is the same as applying them one after the other
   * without anything planned in between.
   */
  public Uni<Void> applyAll(List<NodeResult> results) {
    UUID executionId = results.get(0).executionId();
    for (NodeResult result : results) {
      if (!executionId.equals(result.executionId())) {
        throw new IllegalArgumentException("results of one step belong to one execution");
      }
    }
    return advance(executionId, results, false);
  }

  /** Enforces deadlines and re-publishes tasks the broker never confirmed. */
  public Uni<Void> reconcile(UUID executionId) {
    return advance(executionId, List.of(), true);
  }

  private Uni<Void> advance(UUID executionId, List<NodeResult> results, boolean sweep) {
    return Uni.createFrom()
        .deferred(
            () -> {
              // Confirms of earlier steps not recorded yet: this step's transaction writes them.
              DispatchMarks.Marks confirmed = dispatchMarks.take(executionId);
              return store
                  .inTransaction(tx -> step(tx, executionId, results, sweep, confirmed))
                  .onFailure()
                  .invoke(() -> dispatchMarks.restore(executionId, confirmed));
            })
        .chain(outcome -> afterCommit(executionId, outcome, sweep));
  }

  private Uni<Void> afterCommit(UUID executionId, StepOutcome outcome, boolean sweep) {
    outcome.wakeUps().forEach(at -> wakeUpAt(executionId, at));
    List<Request> alongside = new ArrayList<>(cache.storeCommands(outcome.cacheWrites()));
    if (outcome.finished() == null) {
      alongside.addAll(hot.rememberCommands(executionId, outcome.remember()));
    } else {
      alongside.add(hot.forgetCommand(executionId));
    }
    // Events go out before the tasks: a node's "queued" is on the stream before any worker can
    // answer it, so a reader sees each node's events in causal order. The step's other Redis
    // writes share the round trip.
    return notifier
        .publish(executionId, outcome.events(), alongside, outcome.finished(), outcome.createdAt())
        .chain(() -> dispatcher.publish(outcome.tasks()))
        .chain(() -> recordConfirms(executionId, outcome, sweep))
        .chain(() -> stepRelated(outcome));
  }

  /**
   * Records that the broker confirmed the step's tasks. A reconciler or backoff wake-up step
   * (re-)publishes tasks whose queue time already passed, which the reconciler would otherwise
   * publish again at once: it writes the marks before it completes. Every other step leaves them to
   * the next step of the execution or to the periodic flush ({@link DispatchMarks}), which saves a
   * commit per step.
   */
  private Uni<Void> recordConfirms(UUID executionId, StepOutcome outcome, boolean sweep) {
    if (!sweep) {
      dispatchMarks.confirmed(executionId, outcome.attempts(), outcome.itemAttempts());
      return Uni.createFrom().voidItem();
    }
    return store
        .markDispatched(executionId, outcome.attempts())
        .chain(() -> store.markItemsDispatched(executionId, outcome.itemAttempts()));
  }

  /**
   * Starts (or cancels) the child executions this step created (or asked to cancel), and gives a
   * finished child's outcome to its parent. Each is a step of its own, in its own transaction; a
   * lost one is made up by the reconciler (a pending child is started, a cancel request is served,
   * a finished child whose parent node still waits is delivered), so failures here are only logged.
   */
  private Uni<Void> stepRelated(StepOutcome outcome) {
    List<UUID> related = new ArrayList<>(outcome.children());
    if (outcome.finished() != null && outcome.parent() != null) {
      related.add(outcome.parent());
    }
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (UUID other : related) {
      chain =
          chain.chain(
              () ->
                  request(other)
                      .onFailure()
                      .recoverWithItem(
                          e -> {
                            Log.warnf(
                                "step of related execution %s failed (the reconciler will"
                                    + " retry): %s",
                                other, e.getMessage());
                            return null;
                          }));
    }
    return chain;
  }

  /**
   * Runs the execution's next step when a retry's backoff ends (the reconciler is the backstop).
   */
  private void wakeUpAt(UUID executionId, Instant at) {
    long delay = Math.max(1, Duration.between(Instant.now(), at).toMillis());
    vertx.setTimer(
        delay,
        id ->
            reconcile(executionId)
                .subscribe()
                .with(
                    ignored -> {},
                    e -> Log.debugf("backoff wake-up of %s failed: %s", executionId, e)));
  }

  private Uni<StepOutcome> step(
      SqlConnection tx,
      UUID executionId,
      List<NodeResult> results,
      boolean sweep,
      DispatchMarks.Marks confirmed) {
    return store
        .lockExecution(tx, executionId)
        .chain(
            execution -> {
              if (execution == null) {
                Log.warnf("execution %s does not exist; message ignored", executionId);
                return Uni.createFrom().item(StepOutcome.NONE);
              }
              if (execution.input() == null && !execution.status().isTerminal()) {
                return failUnreadable(tx, execution);
              }
              return definitions
                  .get(execution.graphId(), execution.graphVersion())
                  .chain(dag -> step(tx, new Step(execution, dag), results, sweep, confirmed));
            });
  }

  /** An execution whose stored input is not a JSON object can never run: it fails, once. */
  private Uni<StepOutcome> failUnreadable(SqlConnection tx, ExecutionRow execution) {
    NodeError error =
        NodeError.permanent(
            ErrorCode.E007,
            null,
            "the stored input of execution " + execution.id() + " is not a JSON object",
            "execute again with a JSON object as context");
    return store
        .finishExecution(tx, execution.id(), ExecutionStatus.FAILED, null, error)
        .map(
            ignored ->
                new StepOutcome(
                    List.of(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    List.of(
                        Event.execution(ExecutionEventType.EXECUTION_FINISHED, "failed", error)),
                    List.of(),
                    ExecutionStatus.FAILED,
                    execution.createdAt(),
                    List.of(),
                    execution.parentExecutionId()));
  }

  private Uni<StepOutcome> step(
      SqlConnection tx,
      Step step,
      List<NodeResult> results,
      boolean sweep,
      DispatchMarks.Marks confirmed) {
    UUID id = step.execution.id();
    Uni<Void> reopened =
        step.execution.retryPending()
            ? store
                .reopen(tx, id)
                .invoke(
                    () -> {
                      step.status = ExecutionStatus.RUNNING;
                      step.touched = true;
                      step.events.add(
                          Event.execution(ExecutionEventType.EXECUTION_RETRIED, "running", null));
                    })
            : Uni.createFrom().voidItem();
    return reopened
        .chain(
            () -> {
              if (step.status != ExecutionStatus.PENDING) {
                return Uni.createFrom().voidItem();
              }
              return store
                  .start(tx, id, step.dag)
                  .invoke(
                      () -> {
                        step.status = ExecutionStatus.RUNNING;
                        step.touched = true;
                        step.started = true;
                        step.events.add(
                            Event.execution(ExecutionEventType.EXECUTION_STARTED, "running", null));
                      });
            })
        .chain(
            () -> {
              if (step.started) {
                // Just created in this transaction: every node pending at attempt 0, no need to
                // read them back.
                for (String nodeId : step.dag.topologicalOrder()) {
                  step.nodes.put(
                      nodeId,
                      new NodeRow(
                          nodeId,
                          NodeStatus.PENDING,
                          0,
                          null,
                          false,
                          null,
                          null,
                          null,
                          null,
                          null));
                }
                dispatchMarks.restore(id, confirmed);
                return Uni.createFrom().voidItem();
              }
              return store
                  .loadNodes(tx, id, confirmed, step.execution.now())
                  .invoke(step.nodes::putAll)
                  .replaceWithVoid();
            })
        .chain(() -> applyResults(tx, step, results))
        .chain(() -> applyFinishedChildren(tx, step))
        .invoke(() -> step.sweeping = sweep)
        .chain(() -> sweep ? sweep(tx, step) : Uni.createFrom().voidItem())
        .chain(() -> fillOutputs(tx, step))
        .chain(() -> planAndRecord(tx, step));
  }

  /** Loads the outputs the plan may read: from Redis, else from PostgreSQL (then cached). */
  private Uni<Void> fillOutputs(SqlConnection tx, Step step) {
    Map<String, Integer> wanted = new LinkedHashMap<>();
    step.nodes.forEach(
        (nodeId, row) -> {
          if (row.hasOutput() && row.output() == null) {
            wanted.put(nodeId, row.attempt());
          }
        });
    UUID id = step.execution.id();
    return hot.outputs(id, wanted)
        .chain(
            found -> {
              found.forEach(step::fill);
              List<String> missing =
                  wanted.keySet().stream().filter(n -> !found.containsKey(n)).toList();
              return store
                  .loadOutputs(tx, id, missing)
                  .invoke(
                      loaded ->
                          loaded.forEach(
                              (nodeId, output) -> {
                                step.fill(nodeId, output);
                                step.remember.put(
                                    nodeId, new AttemptOutput(wanted.get(nodeId), output));
                              }));
            })
        .replaceWithVoid();
  }

  /**
   * Applies a step's results, with the effect of applying them one after the other: fan-out item
   * results one by one, every other result in one statement ({@link ExecutionStore#applyAttempts})
   * that records each attempt and, for the first result of a node's current in-flight attempt,
   * stores the node's new state.
   */
  private Uni<Void> applyResults(SqlConnection tx, Step step, List<NodeResult> results) {
    UUID id = step.execution.id();
    List<AttemptRecord> records = new ArrayList<>();
    Map<String, Applied> applied = new LinkedHashMap<>();
    Map<String, Integer> claimed = new HashMap<>();
    List<NodeResult> items = new ArrayList<>();
    List<String> duplicates = new ArrayList<>();
    for (NodeResult given : results) {
      NodeRow row = step.nodes.get(given.nodeId());
      if (row == null) {
        Log.warnf("result for unknown node %s of execution %s ignored", given.nodeId(), id);
        continue;
      }
      if (isFanOut(step, given.nodeId())) {
        items.add(given);
        continue;
      }
      NodeResult result = given;
      if (isPoisonVerdict(given) && row.status().isInFlight() && row.attempt() > given.attempt()) {
        // The task of an earlier attempt crashed workers until it was dead-lettered, but that
        // attempt had already expired and the node was dispatched again: the same node with the
        // same inputs, which would crash workers all over again. The verdict fails the current
        // attempt.
        Log.warnf(
            "poison verdict on attempt %d of node %s applies to its current attempt %d (same task)",
            given.attempt(), given.nodeId(), row.attempt());
        result =
            new NodeResult(
                given.schemaVersion(),
                given.executionId(),
                given.nodeId(),
                row.attempt(),
                given.outcome(),
                given.output(),
                given.error(),
                given.startedAt(),
                given.completedAt(),
                given.workerId());
      }
      NodeDefinition node = step.dag.graph().node(result.nodeId());
      if (node.nodeType().worker().isPool()) {
        queueMetrics.consumed(node.nodeType().worker().queue());
      }
      Integer claimedAttempt = claimed.get(result.nodeId());
      boolean current =
          claimedAttempt == null && row.attempt() == result.attempt() && row.status().isInFlight();
      if (!current) {
        if (result.attempt() == (claimedAttempt != null ? claimedAttempt : row.attempt())) {
          // A duplicate of the applied result. What it queued may not have reached the broker if
          // the step that applied it died; a step that is merely still publishing must not be
          // doubled, so only attempts unconfirmed for longer than the dispatch grace are
          // published again.
          duplicates.add(result.nodeId());
          continue;
        }
        Log.infof(
            "late result of attempt %d of node %s (current attempt %d) ignored",
            result.attempt(), result.nodeId(), row.attempt());
        records.add(
            new AttemptRecord(
                result.nodeId(),
                result.attempt(),
                "stale",
                result.error(),
                result.startedAt(),
                result.completedAt(),
                result.workerId(),
                null,
                null,
                null));
        continue;
      }
      claimed.put(result.nodeId(), result.attempt());
      Applied effect = decide(step, row, node, result);
      applied.put(effect.record().key(), effect);
      records.add(effect.record());
    }
    return store
        .applyAttempts(tx, id, records)
        .invoke(
            recorded -> {
              for (Applied effect : applied.values()) {
                if (recorded.contains(effect.record().key())) {
                  effect.apply(step);
                }
              }
              duplicates.forEach(
                  nodeId -> step.republishUndispatched(nodeId, config.dispatchGrace()));
            })
        .chain(
            () -> {
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (NodeResult result : items) {
                chain =
                    chain.chain(
                        () -> applyItemResult(tx, step, step.nodes.get(result.nodeId()), result));
              }
              return chain;
            });
  }

  /**
   * What applying a result of the node's current attempt does, decided before it is stored (the
   * same decision {@link #failAttempt} makes for a failure).
   */
  private Applied decide(Step step, NodeRow row, NodeDefinition node, NodeResult result) {
    if (result.outcome() == NodeOutcome.SUCCEEDED) {
      ObjectNode output = result.output() == null ? JSON.objectNode() : result.output();
      return new Applied(
          record(result, NodeStatus.COMPLETED, output, null),
          row,
          NodeStatus.COMPLETED,
          output,
          null,
          ExecutionEventType.NODE_COMPLETED);
    }
    NodeError error =
        result.error() != null
            ? result.error()
            : NodeError.permanent(
                ErrorCode.E001, result.nodeId(), "worker reported a failure", null);
    if (retries(step, row, node, error)) {
      long backoff = backoffMs(node.retryOrDefault(), row.attempt(), error);
      return new Applied(
          record(result, NodeStatus.PENDING, null, backoff),
          row,
          NodeStatus.PENDING,
          null,
          error,
          ExecutionEventType.NODE_RETRYING);
    }
    ObjectNode output =
        node.onErrorOrDefault() == OnError.CONTINUE
            ? JSON.objectNode().putNull(row.nodeId() + "_result")
            : null;
    return new Applied(
        record(result, NodeStatus.FAILED, output, null),
        row,
        NodeStatus.FAILED,
        output,
        error,
        ExecutionEventType.NODE_FAILED);
  }

  /** The attempt's record; the node row gets the worker's error as reported, as the attempt. */
  private static AttemptRecord record(
      NodeResult result, NodeStatus status, ObjectNode output, Long backoff) {
    return new AttemptRecord(
        result.nodeId(),
        result.attempt(),
        result.outcome().wire(),
        result.error(),
        result.startedAt(),
        result.completedAt(),
        result.workerId(),
        status,
        output,
        backoff);
  }

  /** A result's effect on its node, applied to the step once the attempt proved new. */
  private record Applied(
      AttemptRecord record,
      NodeRow row,
      NodeStatus status,
      ObjectNode output,
      NodeError error,
      ExecutionEventType event) {

    void apply(Step step) {
      step.update(row, status, output, error);
      if (status == NodeStatus.COMPLETED) {
        step.succeeded.add(row.nodeId());
      }
      step.nodeEvent(event, row, status, error);
    }
  }

  /**
   * A failed attempt: retried (after the policy's backoff) when the error is retryable, attempts
   * remain and the execution still runs; else the node fails.
   */
  private Uni<Void> failAttempt(
      SqlConnection tx,
      Step step,
      NodeRow row,
      NodeDefinition node,
      NodeError error,
      NodeResult result) {
    UUID id = step.execution.id();
    if (retries(step, row, node, error)) {
      long backoff = backoffMs(node.retryOrDefault(), row.attempt(), error);
      return store
          .resetForRetry(tx, id, row.nodeId(), error, backoff)
          .invoke(
              () -> {
                step.update(row, NodeStatus.PENDING, null, error);
                step.nodeEvent(ExecutionEventType.NODE_RETRYING, row, NodeStatus.PENDING, error);
              });
    }
    ObjectNode output =
        node.onErrorOrDefault() == OnError.CONTINUE
            ? JSON.objectNode().putNull(row.nodeId() + "_result")
            : null;
    Uni<Void> stored =
        result != null
            ? store.finishNode(tx, result, NodeStatus.FAILED, output)
            : store.failNode(tx, id, row.nodeId(), error);
    return stored.invoke(
        () -> {
          step.update(row, NodeStatus.FAILED, output, error);
          step.nodeEvent(ExecutionEventType.NODE_FAILED, row, NodeStatus.FAILED, error);
        });
  }

  /** Whether a failed attempt is retried: a retryable error, attempts left, execution running. */
  private boolean retries(Step step, NodeRow row, NodeDefinition node, NodeError error) {
    return error.retryable()
        && !step.status.isTerminal()
        && row.attempt() < allowedAttempts(node, error);
  }

  /** A dead-lettered task that crashed its workers (see DeadLetterConsumer): E011, permanent. */
  private static boolean isPoisonVerdict(NodeResult result) {
    return result.outcome() == NodeOutcome.FAILED
        && result.error() != null
        && result.error().code() == ErrorCode.E011
        && !result.error().retryable();
  }

  private int allowedAttempts(NodeDefinition node, NodeError error) {
    int policy = Math.max(1, node.retryOrDefault().maxAttempts());
    // A lost task: timed out without a result (E005), or dead-lettered by the broker without having
    // crashed a worker itself (a retryable E011 from DeadLetterConsumer).
    boolean lost =
        error.code() == ErrorCode.E005 || (error.code() == ErrorCode.E011 && error.retryable());
    return lost ? policy + config.lostTaskRedispatches() : policy;
  }

  /**
   * Exponential backoff with equal jitter: half the delay fixed, half random, so retries of many
   * executions failing together spread out. A provider's Retry-After hint is not parsed here;
   * {@code backoff_ms} should cover it.
   */
  static long backoffMs(RetryPolicy policy, int failedAttempt, NodeError error) {
    if (policy.maxAttempts() <= 1 || policy.backoffMs() <= 0) {
      return 0;
    }
    double exponential =
        policy.backoffMs() * Math.pow(Math.max(1.0, policy.multiplier()), failedAttempt - 1);
    long cap = policy.maxBackoffMs() > 0 ? policy.maxBackoffMs() : Long.MAX_VALUE;
    long delay = (long) Math.min(exponential, cap);
    return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
  }

  private Uni<Void> sweep(SqlConnection tx, Step step) {
    Instant now = step.execution.now();
    if (step.status == ExecutionStatus.RUNNING
        && step.execution.deadlineAt() != null
        && now.isAfter(step.execution.deadlineAt())) {
      step.deadlinePassed = true;
      return Uni.createFrom().voidItem();
    }
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (NodeRow row : List.copyOf(step.nodes.values())) {
      if (row.status().isInFlight() && row.deadlineAt() != null && now.isAfter(row.deadlineAt())) {
        chain = chain.chain(() -> expire(tx, step, row));
      } else if (step.status == ExecutionStatus.RUNNING
          && row.status() == NodeStatus.QUEUED
          && row.dispatchedAt() == null
          && (row.notBefore() != null
              ? !row.notBefore().isAfter(now)
              : row.queuedAt() != null
                  && row.queuedAt().plus(config.dispatchGrace()).isBefore(now))) {
        step.republish.add(row.nodeId());
      }
    }
    return chain;
  }

  /** An attempt passed its deadline without a result: retried or failed (E005). */
  private Uni<Void> expire(SqlConnection tx, Step step, NodeRow row) {
    NodeDefinition node = step.dag.graph().node(row.nodeId());
    NodeError error =
        NodeError.retryable(
            ErrorCode.E005,
            row.nodeId(),
            "attempt " + row.attempt() + " passed its deadline without a result",
            "raise timeout_ms if the node needs longer; check the worker pool's health");
    return store
        .recordAttempt(
            tx,
            step.execution.id(),
            row.nodeId(),
            row.attempt(),
            "timed_out",
            error,
            null,
            null,
            null)
        .chain(
            first -> {
              if (!first) {
                return Uni.createFrom().voidItem();
              }
              if (step.status.isTerminal()) {
                // Nothing will run again in an execution that is over: the attempt is just closed.
                return store
                    .setStatus(tx, step.execution.id(), List.of(row.nodeId()), NodeStatus.CANCELLED)
                    .invoke(() -> step.update(row, NodeStatus.CANCELLED, null, error));
              }
              return failAttempt(tx, step, row, node, error, null);
            });
  }

  private Uni<StepOutcome> planAndRecord(SqlConnection tx, Step step) {
    return round(tx, step, new Rounds());
  }

  /**
   * One planning round: queue what is ready, then serve cacheable nodes from the result cache. A
   * cache hit completes its node at once, which can make its children ready: plan again until a
   * round has no hit.
   */
  private Uni<StepOutcome> round(SqlConnection tx, Step step, Rounds rounds) {
    UUID id = step.execution.id();
    Plan plan = plan(step);
    List<Long> timeouts =
        plan.toQueue().stream()
            .map(nodeId -> timeoutMs(step, step.dag.graph().node(nodeId)))
            .toList();
    return store
        .queue(tx, id, plan.toQueue(), timeouts)
        .call(() -> store.setStatus(tx, id, plan.toSkip(), NodeStatus.SKIPPED))
        .call(() -> store.setStatus(tx, id, plan.toCancel(), NodeStatus.CANCELLED))
        .chain(
            queued -> {
              queued.forEach(step::queued);
              plan.toSkip().forEach(n -> step.mark(n, NodeStatus.SKIPPED));
              plan.toCancel().forEach(n -> step.mark(n, NodeStatus.CANCELLED));
              rounds.skipped.addAll(plan.toSkip());
              rounds.cancelled.addAll(plan.toCancel());
              Map<String, QueuedAttempt> subgraphs = new LinkedHashMap<>();
              Map<String, QueuedAttempt> fanOuts = new LinkedHashMap<>();
              Map<String, QueuedAttempt> forWorkers = new LinkedHashMap<>();
              queued.forEach(
                  (nodeId, attempt) ->
                      (isSubgraph(step, nodeId)
                              ? subgraphs
                              : isFanOut(step, nodeId) ? fanOuts : forWorkers)
                          .put(nodeId, attempt));
              Map<String, String> keys = cacheKeys(step, forWorkers.keySet());
              return startChildren(tx, step, subgraphs)
                  .chain(
                      started ->
                          startFanOuts(tx, step, fanOuts)
                              .chain(
                                  failed ->
                                      pumpFanOuts(tx, step)
                                          .map(settled -> settled + failed + started)))
                  .chain(
                      settled ->
                          cache
                              .lookup(keys.values())
                              .chain(
                                  found ->
                                      serveFromCache(tx, step, forWorkers, keys, found, rounds))
                              .map(hits -> hits + settled))
                  .chain(
                      hits ->
                          hits > 0 && !plan.isTerminal()
                              ? round(tx, step, rounds)
                              : finish(tx, step, plan, rounds));
            });
  }

  private Map<String, String> cacheKeys(Step step, Set<String> nodeIds) {
    Map<String, String> keys = new LinkedHashMap<>();
    Map<String, ObjectNode> outputs = step.outputs();
    for (String nodeId : nodeIds) {
      NodeDefinition node = step.dag.graph().node(nodeId);
      if (node.cache() != null
          && node.cache().ttlS() > 0
          && node.nodeType().worker().isPool()
          && node.field("over") == null) {
        keys.put(
            nodeId,
            CacheKeys.key(
                step.execution.tenantId(),
                node,
                ExecutionContexts.forNode(step.dag, step.execution.input(), outputs, nodeId)));
      }
    }
    return keys;
  }

  /** Completes the queued nodes whose result is cached; returns how many were. */
  private Uni<Integer> serveFromCache(
      SqlConnection tx,
      Step step,
      Map<String, QueuedAttempt> queued,
      Map<String, String> keys,
      Map<String, ObjectNode> found,
      Rounds rounds) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    int hits = 0;
    for (var entry : queued.entrySet()) {
      String nodeId = entry.getKey();
      String key = keys.get(nodeId);
      ObjectNode output = key == null ? null : found.get(key);
      if (output == null) {
        rounds.queued.put(nodeId, entry.getValue());
        continue;
      }
      hits++;
      int attempt = entry.getValue().attempt();
      chain =
          chain.chain(
              () ->
                  store
                      .finishFromCache(tx, step.execution.id(), nodeId, attempt, output)
                      .invoke(
                          () -> {
                            NodeRow row = step.nodes.get(nodeId);
                            step.update(row, NodeStatus.COMPLETED, output, null);
                            step.nodeEvent(
                                ExecutionEventType.NODE_CACHED, row, NodeStatus.COMPLETED, null);
                          }));
    }
    int served = hits;
    return chain.replaceWith(served);
  }

  private Uni<StepOutcome> finish(SqlConnection tx, Step step, Plan plan, Rounds rounds) {
    UUID id = step.execution.id();
    Uni<Void> recorded;
    if (plan.isTerminal()) {
      ObjectNode context = plan.finalContext() != null ? plan.finalContext() : partialContext(step);
      recorded = store.finishExecution(tx, id, plan.terminalStatus(), context, plan.error());
    } else {
      recorded =
          step.status.isTerminal() || !needsTouch(step)
              ? Uni.createFrom().voidItem()
              : store.touch(tx, id);
    }
    if (step.hasSubgraphs) {
      boolean over = plan.isTerminal() || step.status.isTerminal();
      recorded =
          recorded.chain(
              () ->
                  store
                      .cancelOrphanedChildren(tx, id, over)
                      .invoke(step.children::addAll)
                      .replaceWithVoid());
    }
    return recorded.map(ignored -> outcome(step, plan, rounds));
  }

  /**
   * Whether this step records its progress time ({@code updated_at}): it does when the execution is
   * left with nothing in flight (the reconciler steps such an execution once that time is a grace
   * old), else at most every {@link #TOUCH_EVERY} — an update of the execution row per step would
   * be a second row written (and its indexes) for every node result.
   */
  private static boolean needsTouch(Step step) {
    if (step.touched) {
      return false;
    }
    Instant last = step.execution.updatedAt();
    return last == null
        || !last.plus(TOUCH_EVERY).isAfter(step.execution.now())
        || step.nodes.values().stream().noneMatch(n -> n.status().isInFlight());
  }

  /** What the planning rounds of one step decided. */
  private static final class Rounds {
    final Map<String, QueuedAttempt> queued = new LinkedHashMap<>();
    final List<String> skipped = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
  }

  private Plan plan(Step step) {
    if (step.status == ExecutionStatus.RUNNING && step.execution.cancelPending()) {
      List<String> pending = step.idsWithStatus(NodeStatus.PENDING);
      return new Plan(List.of(), List.of(), pending, ExecutionStatus.CANCELLED, null, null);
    }
    if (step.deadlinePassed) {
      List<String> open =
          step.nodes.values().stream()
              .filter(n -> !n.status().isTerminal())
              .map(NodeRow::nodeId)
              .toList();
      return new Plan(
          List.of(),
          List.of(),
          open,
          ExecutionStatus.FAILED,
          NodeError.permanent(
              ErrorCode.E005,
              null,
              "the execution passed its deadline of " + step.execution.deadlineAt(),
              "raise the execution timeout or make its nodes faster"),
          null);
    }
    Map<String, NodeState> states = new LinkedHashMap<>();
    step.nodes.forEach((nodeId, row) -> states.put(nodeId, row.toState()));
    return ExecutionPlanner.plan(step.dag, step.execution.input(), states, step.status);
  }

  private StepOutcome outcome(Step step, Plan plan, Rounds rounds) {
    Map<String, QueuedAttempt> queued = rounds.queued;
    List<NodeTask> tasks = new ArrayList<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    List<Instant> wakeUps = new ArrayList<>(step.wakeUps);
    Instant now = step.execution.now();
    boolean live = !plan.isTerminal() && !step.status.isTerminal();
    Map<String, CacheWrite> cacheWrites = new LinkedHashMap<>();
    if (live || plan.terminalStatus() == ExecutionStatus.COMPLETED) {
      Map<String, String> keys = cacheKeys(step, step.succeeded);
      keys.forEach(
          (nodeId, key) ->
              cacheWrites.put(
                  key,
                  new CacheWrite(
                      step.nodes.get(nodeId).output(),
                      step.dag.graph().node(nodeId).cache().ttlS())));
    }
    if (live) {
      Map<String, ObjectNode> outputs = step.outputs();
      queued.forEach(
          (nodeId, attempt) -> {
            step.events.add(
                Event.node(
                    ExecutionEventType.NODE_QUEUED, nodeId, attempt.attempt(), "queued", null));
            if (attempt.notBefore() != null && attempt.notBefore().isAfter(now)) {
              wakeUps.add(attempt.notBefore());
              return;
            }
            tasks.add(task(step, outputs, nodeId, attempt.attempt(), attempt.deadline()));
            attempts.put(nodeId, attempt.attempt());
          });
      for (String nodeId : step.republish) {
        NodeRow row = step.nodes.get(nodeId);
        if (!queued.containsKey(nodeId)
            && row.status() == NodeStatus.QUEUED
            && !isSubgraph(step, nodeId)
            && !isFanOut(step, nodeId)) {
          tasks.add(task(step, outputs, nodeId, row.attempt(), row.deadlineAt()));
          attempts.put(nodeId, row.attempt());
        }
      }
    }
    for (String nodeId : rounds.skipped) {
      step.events.add(Event.node(ExecutionEventType.NODE_SKIPPED, nodeId, null, "skipped", null));
    }
    for (String nodeId : rounds.cancelled) {
      step.events.add(
          Event.node(ExecutionEventType.NODE_CANCELLED, nodeId, null, "cancelled", null));
    }
    if (plan.isTerminal()) {
      step.events.add(
          Event.execution(
              ExecutionEventType.EXECUTION_FINISHED, plan.terminalStatus().wire(), plan.error()));
    }
    if (live) {
      tasks.addAll(step.itemTasks);
    }
    return new StepOutcome(
        tasks,
        attempts,
        live ? step.itemAttempts : Map.of(),
        live ? step.remember : Map.of(),
        cacheWrites,
        step.events,
        wakeUps,
        plan.terminalStatus(),
        step.execution.createdAt(),
        step.children,
        step.execution.parentExecutionId());
  }

  private NodeTask task(
      Step step, Map<String, ObjectNode> outputs, String nodeId, int attempt, Instant deadline) {
    ObjectNode context =
        ExecutionContexts.forNode(step.dag, step.execution.input(), outputs, nodeId);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        step.execution.id(),
        nodeId,
        attempt,
        step.dag.graph().node(nodeId),
        context,
        deadline,
        Instant.now());
  }

  private long timeoutMs(Step step, NodeDefinition node) {
    if (node.timeoutMs() != null && node.timeoutMs() > 0) {
      return node.timeoutMs();
    }
    if (node.nodeType() == NodeType.SUBGRAPH) {
      // A child execution has the parent's deadline: the node waits as long as the execution may.
      Instant deadline = step.execution.deadlineAt();
      return deadline == null
          ? SUBGRAPH_TIMEOUT_WITHOUT_DEADLINE.toMillis()
          : Math.max(1, Duration.between(step.execution.now(), deadline).toMillis());
    }
    return config.defaultNodeTimeout().toMillis();
  }

  private static boolean isFanOut(Step step, String nodeId) {
    NodeDefinition node = step.dag.graph().node(nodeId);
    return node != null && node.nodeType().worker().isPool() && node.field("over") != null;
  }

  /**
   * Starts each just-queued fan-out node: reads the array at {@code over} in the node's context
   * view and creates one pending item per element. Not an array: the node fails (E010); empty: the
   * node completes with {@code <id>_result: []}.
   */
  private Uni<Integer> startFanOuts(
      SqlConnection tx, Step step, Map<String, QueuedAttempt> fanOuts) {
    UUID id = step.execution.id();
    Uni<Integer> chain = Uni.createFrom().item(0);
    for (String nodeId : fanOuts.keySet()) {
      NodeDefinition node = step.dag.graph().node(nodeId);
      step.events.add(
          Event.node(
              ExecutionEventType.NODE_QUEUED,
              nodeId,
              fanOuts.get(nodeId).attempt(),
              "queued",
              null));
      String over = node.text("over");
      JsonNode array =
          ContextPath.get(
              ExecutionContexts.forNode(step.dag, step.execution.input(), step.outputs(), nodeId),
              over);
      chain =
          chain.chain(
              settled -> {
                if (!array.isArray()) {
                  return failChildStart(
                          tx,
                          step,
                          nodeId,
                          ErrorCode.E010,
                          "'over' of node '"
                              + nodeId
                              + "' is "
                              + over
                              + ", which is "
                              + (array.isNull() ? "missing or null" : "not an array"),
                          "point 'over' at a list in the context")
                      .replaceWith(settled + 1);
                }
                return store
                    .startFanOut(tx, id, nodeId, array.size())
                    .invoke(
                        () -> step.update(step.nodes.get(nodeId), NodeStatus.RUNNING, null, null))
                    .replaceWith(settled);
              });
    }
    return chain;
  }

  /**
   * Moves every running fan-out node on: in a sweep, item tries past their deadline fail (E005) and
   * unconfirmed ones are published again; then free slots (up to {@code max_concurrency}) are
   * filled with pending items; a node whose items all completed completes with their results in
   * input order. Returns how many nodes it settled (they may change the plan).
   */
  private Uni<Integer> pumpFanOuts(SqlConnection tx, Step step) {
    Uni<Integer> chain = Uni.createFrom().item(0);
    for (NodeRow row : List.copyOf(step.nodes.values())) {
      if (!isFanOut(step, row.nodeId()) || row.status() != NodeStatus.RUNNING) {
        continue;
      }
      String nodeId = row.nodeId();
      chain = chain.chain(settled -> pumpFanOut(tx, step, nodeId).map(done -> settled + done));
    }
    return chain;
  }

  private Uni<Integer> pumpFanOut(SqlConnection tx, Step step, String nodeId) {
    UUID id = step.execution.id();
    NodeDefinition node = step.dag.graph().node(nodeId);
    Instant now = step.execution.now();
    return store
        .loadItems(tx, id, nodeId)
        .chain(
            items -> {
              Uni<Void> expired = Uni.createFrom().voidItem();
              if (step.sweeping) {
                for (FanOutItem item : items) {
                  if ("queued".equals(item.status())
                      && item.deadlineAt() != null
                      && now.isAfter(item.deadlineAt())) {
                    NodeError error =
                        NodeError.retryable(
                            ErrorCode.E005,
                            nodeId,
                            "item "
                                + item.index()
                                + " (attempt "
                                + item.attempt()
                                + ") passed its deadline without a result",
                            "raise timeout_ms if an item needs longer");
                    expired =
                        expired.chain(
                            () ->
                                store
                                    .recordAttempt(
                                        tx,
                                        id,
                                        nodeId,
                                        item.attempt(),
                                        "timed_out",
                                        error,
                                        null,
                                        null,
                                        null)
                                    .chain(
                                        first ->
                                            first
                                                ? failItem(tx, step, node, item, error)
                                                : Uni.createFrom().voidItem()));
                  }
                }
              }
              return expired.chain(() -> store.loadItems(tx, id, nodeId));
            })
        .chain(
            items -> {
              NodeRow row = step.nodes.get(nodeId);
              if (row.status() != NodeStatus.RUNNING) {
                return Uni.createFrom().item(1); // an item failed the node
              }
              if (items.stream().allMatch(i -> "completed".equals(i.status()))) {
                ArrayNode results = JSON.arrayNode();
                items.forEach(i -> results.add(i.result() == null ? JSON.nullNode() : i.result()));
                ObjectNode output = JSON.objectNode();
                output.set(nodeId + "_result", results);
                return store
                    .completeNode(tx, id, nodeId, output)
                    .invoke(
                        () -> {
                          step.update(row, NodeStatus.COMPLETED, output, null);
                          step.nodeEvent(
                              ExecutionEventType.NODE_COMPLETED, row, NodeStatus.COMPLETED, null);
                        })
                    .replaceWith(1);
              }
              if (step.status != ExecutionStatus.RUNNING || step.execution.cancelPending()) {
                return Uni.createFrom().item(0);
              }
              ObjectNode view =
                  ExecutionContexts.forNode(
                      step.dag, step.execution.input(), step.outputs(), nodeId);
              JsonNode array = ContextPath.get(view, node.text("over"));
              if (step.sweeping) {
                for (FanOutItem item : items) {
                  if ("queued".equals(item.status())
                      && item.dispatchedAt() == null
                      && item.queuedAt() != null
                      && item.queuedAt().plus(config.dispatchGrace()).isBefore(now)) {
                    addItemTask(
                        step, view, array, nodeId, item.index(), item.attempt(), item.deadlineAt());
                  }
                }
              }
              long inFlight = items.stream().filter(i -> "queued".equals(i.status())).count();
              int limit = node.field("max_concurrency").asInt();
              List<Integer> next =
                  items.stream()
                      .filter(i -> "pending".equals(i.status()) && !i.waitingAt(now))
                      .map(FanOutItem::index)
                      .limit(Math.max(0, limit - inFlight))
                      .toList();
              long timeout = timeoutMs(step, node);
              return store
                  .queueItems(tx, id, nodeId, next, timeout)
                  .map(
                      queued -> {
                        Instant deadline = now.plusMillis(timeout);
                        queued.forEach(
                            (index, attempt) ->
                                addItemTask(step, view, array, nodeId, index, attempt, deadline));
                        return 0;
                      });
            });
  }

  private void addItemTask(
      Step step,
      ObjectNode view,
      JsonNode array,
      String nodeId,
      int index,
      int attempt,
      Instant deadline) {
    ObjectNode context = view.deepCopy();
    context.set("item", array.path(index).deepCopy());
    context.put("item_index", index);
    List<Integer> known = step.itemAttempts.get(nodeId);
    if (known != null && known.contains(attempt)) {
      return;
    }
    step.itemTasks.add(
        new NodeTask(
            NodeTask.SCHEMA_VERSION,
            step.execution.id(),
            nodeId,
            attempt,
            step.dag.graph().node(nodeId),
            context,
            deadline,
            Instant.now()));
    step.itemAttempts.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(attempt);
  }

  /** A worker's result for one item try of a fan-out node, applied once (attempt key). */
  private Uni<Void> applyItemResult(SqlConnection tx, Step step, NodeRow row, NodeResult result) {
    UUID id = step.execution.id();
    String nodeId = result.nodeId();
    NodeDefinition node = step.dag.graph().node(nodeId);
    queueMetrics.consumed(node.nodeType().worker().queue());
    return store
        .itemOfAttempt(tx, id, nodeId, result.attempt())
        .chain(
            item -> {
              boolean current =
                  item != null && "queued".equals(item.status()) && row.status().isInFlight();
              return store
                  .recordAttempt(
                      tx,
                      id,
                      nodeId,
                      result.attempt(),
                      current ? result.outcome().wire() : "stale",
                      result.error(),
                      result.startedAt(),
                      result.completedAt(),
                      result.workerId())
                  .chain(
                      first -> {
                        if (!first || !current) {
                          return Uni.createFrom().voidItem();
                        }
                        if (result.outcome() == NodeOutcome.SUCCEEDED) {
                          JsonNode value =
                              result.output() == null
                                  ? null
                                  : result.output().get(nodeId + "_result");
                          return store.settleItem(
                              tx, id, nodeId, item.index(), "completed", value, null);
                        }
                        NodeError error =
                            result.error() != null
                                ? result.error()
                                : NodeError.permanent(
                                    ErrorCode.E001, nodeId, "worker reported a failure", null);
                        return failItem(tx, step, node, item, error);
                      });
            });
  }

  /**
   * A failed item try: tried again (a new attempt number) when the error is retryable and the item
   * has tries left; else the item fails and so does its node (non-retryable: the node's other items
   * are cancelled; {@code on_error} decides the rest).
   */
  private Uni<Void> failItem(
      SqlConnection tx, Step step, NodeDefinition node, FanOutItem item, NodeError error) {
    UUID id = step.execution.id();
    String nodeId = node.id();
    if (error.retryable()
        && step.status == ExecutionStatus.RUNNING
        && item.tries() < allowedAttempts(node, error)) {
      long backoff = backoffMs(node.retryOrDefault(), item.tries(), error);
      if (backoff > 0) {
        step.wakeUps.add(step.execution.now().plusMillis(backoff));
      }
      return store.retryItem(tx, id, nodeId, item.index(), error, backoff);
    }
    NodeError nodeError =
        new NodeError(
            error.code(),
            "item " + item.index() + " of node '" + nodeId + "' failed: " + error.message(),
            nodeId,
            false,
            error.hint());
    NodeRow row = step.nodes.get(nodeId);
    return store
        .settleItem(tx, id, nodeId, item.index(), "failed", null, error)
        .chain(() -> store.cancelItems(tx, id, nodeId))
        .chain(
            () ->
                row.status().isInFlight()
                    ? failAttempt(tx, step, row, node, nodeError, null)
                    : Uni.createFrom().voidItem());
  }

  private static boolean isSubgraph(Step step, String nodeId) {
    NodeDefinition node = step.dag.graph().node(nodeId);
    return node != null && node.nodeType() == NodeType.SUBGRAPH;
  }

  /**
   * Starts the child execution of each just-queued SubgraphNode attempt, in this transaction: the
   * child row (pending; the parent's deadline; input from {@code input_mapping}, else the node's
   * context view) is inserted and the node marked running; the child is stepped after commit. A
   * missing graph or a too deep nesting fails the node at once (E004). Returns how many nodes were
   * settled that way (their failure may change the plan).
   */
  private Uni<Integer> startChildren(
      SqlConnection tx, Step step, Map<String, QueuedAttempt> subgraphs) {
    UUID id = step.execution.id();
    Uni<Integer> chain = Uni.createFrom().item(0);
    for (var entry : subgraphs.entrySet()) {
      String nodeId = entry.getKey();
      int attempt = entry.getValue().attempt();
      NodeDefinition node = step.dag.graph().node(nodeId);
      step.events.add(Event.node(ExecutionEventType.NODE_QUEUED, nodeId, attempt, "queued", null));
      int depth = step.execution.depth() + 1;
      UUID graphId = UUID.fromString(node.text("graph_id"));
      JsonNode versionField = node.field("version");
      Integer version = versionField == null || versionField.isNull() ? null : versionField.asInt();
      chain =
          chain.chain(
              settled -> {
                if (depth > config.maxSubgraphDepth()) {
                  return failChildStart(
                          tx,
                          step,
                          nodeId,
                          "SubgraphNode '"
                              + nodeId
                              + "' would start graph "
                              + graphId
                              + " at nesting depth "
                              + depth
                              + "; the limit (orchestrator.max-subgraph-depth) is "
                              + config.maxSubgraphDepth(),
                          "check the graphs for a SubgraphNode that runs its own graph")
                      .replaceWith(settled + 1);
                }
                return store
                    .childGraphVersion(tx, step.execution.tenantId(), graphId, version)
                    .chain(
                        found -> {
                          if (found == null) {
                            return failChildStart(
                                    tx,
                                    step,
                                    nodeId,
                                    "SubgraphNode '"
                                        + nodeId
                                        + "' names graph "
                                        + graphId
                                        + (version == null ? "" : " version " + version)
                                        + ", which does not exist or was deleted",
                                    "set graph_id (and version) to a stored graph of the same"
                                        + " tenant")
                                .replaceWith(settled + 1);
                          }
                          UUID childId = UUID.randomUUID();
                          return store
                              .insertChild(
                                  tx,
                                  childId,
                                  step.execution,
                                  nodeId,
                                  attempt,
                                  graphId,
                                  found,
                                  childInput(step, node))
                              .invoke(
                                  inserted -> {
                                    if (inserted) {
                                      step.children.add(childId);
                                    }
                                  })
                              .chain(() -> store.markRunning(tx, id, nodeId, attempt))
                              .invoke(
                                  () ->
                                      step.update(
                                          step.nodes.get(nodeId), NodeStatus.RUNNING, null, null))
                              .replaceWith(settled);
                        });
              });
    }
    return chain;
  }

  private Uni<Void> failChildStart(
      SqlConnection tx, Step step, String nodeId, String message, String hint) {
    return failChildStart(tx, step, nodeId, ErrorCode.E004, message, hint);
  }

  /** Fails a node the orchestrator could not start, permanently. */
  private Uni<Void> failChildStart(
      SqlConnection tx, Step step, String nodeId, ErrorCode code, String message, String hint) {
    NodeRow row = step.nodes.get(nodeId);
    NodeError error = NodeError.permanent(code, nodeId, message, hint);
    return store
        .recordAttempt(
            tx, step.execution.id(), nodeId, row.attempt(), "failed", error, null, null, null)
        .chain(() -> failAttempt(tx, step, row, step.dag.graph().node(nodeId), error, null));
  }

  /** The child's input: the {@code input_mapping} values, else the node's whole context view. */
  private static ObjectNode childInput(Step step, NodeDefinition node) {
    ObjectNode view =
        ExecutionContexts.forNode(step.dag, step.execution.input(), step.outputs(), node.id());
    JsonNode mapping = node.field("input_mapping");
    if (mapping == null || !mapping.isObject()) {
      return view;
    }
    ObjectNode input = JSON.objectNode();
    mapping
        .fields()
        .forEachRemaining(
            e -> input.set(e.getKey(), ContextPath.get(view, e.getValue().asText()).deepCopy()));
    return input;
  }

  /**
   * Applies the outcome of every finished child whose SubgraphNode attempt still waits for it, as
   * that attempt's result. Runs in every step of the parent, so the child's own delivery and the
   * reconciler (which finds such parents) both land here; the attempt key makes a second delivery
   * change nothing.
   */
  private Uni<Void> applyFinishedChildren(SqlConnection tx, Step step) {
    if (!step.hasSubgraphs
        || step.nodes.values().stream()
            .noneMatch(r -> r.status().isInFlight() && isSubgraph(step, r.nodeId()))) {
      return Uni.createFrom().voidItem();
    }
    return store
        .finishedChildren(tx, step.execution.id())
        .chain(
            children -> {
              List<NodeResult> results = new ArrayList<>();
              for (ChildOutcome child : children) {
                if (isSubgraph(step, child.nodeId())) {
                  results.add(childResult(step, child));
                }
              }
              return applyResults(tx, step, results);
            });
  }

  private NodeResult childResult(Step step, ChildOutcome child) {
    NodeDefinition node = step.dag.graph().node(child.nodeId());
    NodeError error = null;
    ObjectNode output = null;
    if (child.status() == ExecutionStatus.COMPLETED && child.context() instanceof ObjectNode ctx) {
      output = subgraphOutput(node, ctx);
      if (output.toString().length() > MAX_OUTPUT_CHARS) {
        error =
            NodeError.permanent(
                ErrorCode.E010,
                node.id(),
                "the output of SubgraphNode '"
                    + node.id()
                    + "' (child execution "
                    + child.childId()
                    + ") exceeds 256 KiB",
                "map fewer values with output_mapping");
        output = null;
      }
    } else {
      String reason =
          child.error() == null
              ? "no error recorded"
              : child.error().code() + " " + child.error().message();
      error =
          NodeError.permanent(
              ErrorCode.E001,
              node.id(),
              "child execution "
                  + child.childId()
                  + " of SubgraphNode '"
                  + node.id()
                  + "' "
                  + child.status().wire()
                  + ": "
                  + reason,
              "inspect the child execution " + child.childId());
    }
    return new NodeResult(
        NodeResult.SCHEMA_VERSION,
        step.execution.id(),
        child.nodeId(),
        child.attempt(),
        error == null ? NodeOutcome.SUCCEEDED : NodeOutcome.FAILED,
        output,
        error,
        child.startedAt(),
        child.completedAt(),
        "orchestrator");
  }

  /**
   * What a completed child gives its parent: each {@code output_mapping} entry (child context path
   * to parent key) as a top-level key, and {@code <id>_result} = the mapped object; without a
   * mapping, {@code <id>_result} = the child's whole final context.
   */
  static ObjectNode subgraphOutput(NodeDefinition node, ObjectNode childContext) {
    ObjectNode output = JSON.objectNode();
    JsonNode mapping = node.field("output_mapping");
    if (mapping == null || !mapping.isObject()) {
      output.set(node.id() + "_result", childContext);
      return output;
    }
    ObjectNode mapped = JSON.objectNode();
    mapping
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = ContextPath.get(childContext, e.getKey()).deepCopy();
              mapped.set(e.getValue().asText(), value);
              output.set(e.getValue().asText(), value.deepCopy());
            });
    output.set(node.id() + "_result", mapped);
    return output;
  }

  private static ObjectNode partialContext(Step step) {
    try {
      return ExecutionContexts.finalContext(step.dag, step.execution.input(), step.outputs());
    } catch (LogicGraphException e) {
      return null;
    }
  }

  /** Mutable state of one step, confined to its transaction. */
  private static final class Step {
    final ExecutionRow execution;
    final Dag dag;
    final Map<String, NodeRow> nodes = new LinkedHashMap<>();
    final Set<String> republish = new LinkedHashSet<>();
    final Map<String, AttemptOutput> remember = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    final Set<String> succeeded = new LinkedHashSet<>();

    /** When a retry's backoff ends and the execution should be stepped again. */
    final List<Instant> wakeUps = new ArrayList<>();

    final List<UUID> children = new ArrayList<>();
    final List<NodeTask> itemTasks = new ArrayList<>();
    final Map<String, List<Integer>> itemAttempts = new LinkedHashMap<>();
    final boolean hasSubgraphs;
    boolean sweeping;

    /** The execution row's {@code updated_at} was already set by this step. */
    boolean touched;

    /** This step started the execution (created its node rows). */
    boolean started;

    ExecutionStatus status;
    boolean deadlinePassed;

    Step(ExecutionRow execution, Dag dag) {
      this.execution = execution;
      this.dag = dag;
      this.status = execution.status();
      this.hasSubgraphs =
          dag.graph().nodes().values().stream().anyMatch(n -> n.nodeType() == NodeType.SUBGRAPH);
    }

    void update(NodeRow row, NodeStatus status, ObjectNode output, NodeError error) {
      nodes.put(
          row.nodeId(),
          new NodeRow(
              row.nodeId(),
              status,
              row.attempt(),
              output,
              output != null,
              error,
              row.queuedAt(),
              row.dispatchedAt(),
              row.deadlineAt(),
              row.notBefore()));
      if (output != null) {
        remember.put(row.nodeId(), new AttemptOutput(row.attempt(), output));
      }
    }

    /** The row of a node this step just queued, with its new attempt. */
    void queued(String nodeId, QueuedAttempt attempt) {
      NodeRow row = nodes.get(nodeId);
      nodes.put(
          nodeId,
          new NodeRow(
              nodeId,
              NodeStatus.QUEUED,
              attempt.attempt(),
              null,
              false,
              null,
              execution.now(),
              null,
              attempt.deadline(),
              attempt.notBefore() != null ? attempt.notBefore() : row.notBefore()));
    }

    void mark(String nodeId, NodeStatus status) {
      NodeRow row = nodes.get(nodeId);
      update(row, status, row.output(), row.error());
    }

    void nodeEvent(ExecutionEventType type, NodeRow row, NodeStatus status, NodeError error) {
      events.add(Event.node(type, row.nodeId(), row.attempt(), status.wire(), error));
    }

    void fill(String nodeId, ObjectNode output) {
      nodes.computeIfPresent(nodeId, (id, row) -> row.withOutput(output));
    }

    List<String> idsWithStatus(NodeStatus wanted) {
      return nodes.values().stream()
          .filter(n -> n.status() == wanted)
          .map(NodeRow::nodeId)
          .toList();
    }

    /** The node itself (a queued retry) and its children, queued but unconfirmed for too long. */
    void republishUndispatched(String nodeId, Duration grace) {
      List<String> candidates = new ArrayList<>(dag.children(nodeId));
      candidates.add(nodeId);
      for (String candidate : candidates) {
        NodeRow row = nodes.get(candidate);
        if (row != null
            && row.status() == NodeStatus.QUEUED
            && row.dispatchedAt() == null
            && row.queuedAt() != null
            && row.queuedAt().plus(grace).isBefore(execution.now())
            && (row.notBefore() == null || !row.notBefore().isAfter(execution.now()))) {
          republish.add(candidate);
        }
      }
    }

    Map<String, ObjectNode> outputs() {
      Map<String, ObjectNode> outputs = new LinkedHashMap<>();
      nodes.forEach(
          (nodeId, row) -> {
            if (row.output() != null) {
              outputs.put(nodeId, row.output());
            }
          });
      return outputs;
    }
  }

  /** What a committed step leaves to do outside the transaction. */
  private record StepOutcome(
      List<NodeTask> tasks,
      Map<String, Integer> attempts,
      Map<String, List<Integer>> itemAttempts,
      Map<String, AttemptOutput> remember,
      Map<String, CacheWrite> cacheWrites,
      List<Event> events,
      List<Instant> wakeUps,
      ExecutionStatus finished,
      Instant createdAt,
      List<UUID> children,
      UUID parent) {
    static final StepOutcome NONE =
        new StepOutcome(
            List.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            List.of(),
            List.of(),
            null,
            Instant.EPOCH,
            List.of(),
            null);
  }
}
