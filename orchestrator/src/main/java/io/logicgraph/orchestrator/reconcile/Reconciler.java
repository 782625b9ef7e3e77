package io.logicgraph.orchestrator.reconcile;

import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.OrchestratorConfig;
import io.logicgraph.orchestrator.state.ExecutionStore;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The safety net under the happy path: periodically finds executions that should be moving but are
 * not (never started, a task never confirmed by the broker, an attempt past its deadline, an
 * execution past its deadline) and advances them through the same idempotent step as a result.
 */
@ApplicationScoped
public class Reconciler {
  private final ExecutionStore store;
  private final Advancer advancer;
  private final OrchestratorConfig config;

  public Reconciler(ExecutionStore store, Advancer advancer, OrchestratorConfig config) {
    this.store = store;
    this.advancer = advancer;
    this.config = config;
  }

  @Scheduled(
      every = "${orchestrator.reconcile-interval}",
      delayed = "${orchestrator.reconcile-delay}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> pass() {
    return store
        .findStranded(config.startGrace(), config.dispatchGrace(), config.reconcileBatch())
        .onItem()
        .transformToMulti(ids -> Multi.createFrom().iterable(ids))
        .onItem()
        .transformToUniAndMerge(
            id ->
                advancer
                    .reconcile(id)
                    .onFailure()
                    .recoverWithItem(
                        e -> {
                          Log.warnf("reconciling %s failed: %s", id, e.getMessage());
                          return null;
                        }))
        .collect()
        .last()
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf("reconciler pass failed: %s", e.getMessage());
              return null;
            });
  }
}
