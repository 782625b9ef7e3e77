package io.logicgraph.orchestrator.messaging;

import io.logicgraph.model.message.NodeResult;
import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.OrchestratorConfig;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the steps of one execution one at a time in this replica and folds the results that arrive
 * meanwhile into the next step. Results of a fan-out's children reach the orchestrator together;
 * applied one per step they would queue on the execution's row lock, each paying a transaction, a
 * plan and a round of publisher confirms. Folded, a handful of steps does the same work.
 *
 * <p>Nothing about delivery changes: each result's Uni completes when the step that applied it
 * completed (committed, successors confirmed by the broker and marked dispatched), and only then is
 * its message acked; a failed step fails every result in it, which are requeued and replay
 * harmlessly. Other replicas still take turns through the row lock.
 *
 * <p>At most {@code orchestrator.result-concurrency} steps run at once in this replica (each waits
 * on PostgreSQL, Redis and the broker most of its time; keep {@code
 * quarkus.datasource.reactive.max-size} above it); an execution waiting for a slot keeps folding
 * the results that arrive. Each step runs on a new duplicated Vert.x context.
 */
@ApplicationScoped
public class ResultBatcher {
  private final Advancer advancer;
  private final int maxPerStep;
  private final Vertx vertx;
  private final Slots steps;

  /** Results waiting per execution; an entry exists while a step of that execution runs. */
  private final Map<UUID, ArrayDeque<Pending>> waiting = new HashMap<>();

  private record Pending(NodeResult result, CompletableFuture<Void> applied) {}

  public ResultBatcher(Advancer advancer, OrchestratorConfig config, Vertx vertx) {
    this.advancer = advancer;
    this.maxPerStep = Math.max(1, config.maxResultsPerStep());
    this.vertx = vertx;
    this.steps = new Slots(config.resultConcurrency());
  }

  /** Completes once a step that applied {@code result} completed. */
  public Uni<Void> apply(NodeResult result) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Pending pending = new Pending(result, new CompletableFuture<>());
              UUID executionId = result.executionId();
              boolean idle;
              synchronized (waiting) {
                ArrayDeque<Pending> queue = waiting.get(executionId);
                idle = queue == null;
                if (idle) {
                  queue = new ArrayDeque<>();
                  waiting.put(executionId, queue);
                }
                queue.add(pending);
              }
              if (idle) {
                steps.acquire(() -> runNext(executionId));
              }
              return Uni.createFrom().completionStage(pending.applied());
            });
  }

  /**
   * Holding a step slot: takes what waits for the execution and applies it in one step, then the
   * next batch; frees the slot when nothing waits any more.
   */
  private void runNext(UUID executionId) {
    List<Pending> batch = new ArrayList<>();
    synchronized (waiting) {
      ArrayDeque<Pending> queue = waiting.get(executionId);
      while (!queue.isEmpty() && batch.size() < maxPerStep) {
        batch.add(queue.poll());
      }
      if (batch.isEmpty()) {
        waiting.remove(executionId);
      }
    }
    if (batch.isEmpty()) {
      steps.release();
      return;
    }
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    context.runOnContext(
        ignored -> {
          Uni<Void> step;
          try {
            step = advancer.applyAll(batch.stream().map(Pending::result).toList());
          } catch (RuntimeException e) {
            step = Uni.createFrom().failure(e);
          }
          step.subscribe()
              .with(
                  done -> {
                    batch.forEach(p -> p.applied().complete(null));
                    runNext(executionId);
                  },
                  failure -> {
                    batch.forEach(p -> p.applied().completeExceptionally(failure));
                    runNext(executionId);
                  });
        });
  }
}
