package io.logicgraph.orchestrator.state;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Broker confirms not yet recorded in PostgreSQL ({@code dispatched_at}). Recording a step's
 * confirms used to cost a transaction of its own after every step that published tasks; now they
 * wait here and are written by the next step of the same execution (inside its transaction, in the
 * statement that reads the node rows) or, when no step comes, by a periodic flush that writes the
 * confirms of many executions in one statement.
 *
 * <p>The mark only tells the reconciler which queued tasks the broker has: a task queued for longer
 * than {@code orchestrator.dispatch-grace} without one is published again. The flush interval is
 * well below that grace, so the happy path publishes nothing twice; a crash loses at most the
 * unwritten marks, and then the reconciler publishes those tasks again (a duplicate task carries
 * the same attempt, and its second result is ignored). The triggering message is acked once the
 * step committed and the broker confirmed its tasks, as before.
 */
@ApplicationScoped
public class DispatchMarks {
  /** Confirms older than this are dropped unwritten (the reconciler has re-published them). */
  private static final Duration MAX_AGE = Duration.ofMinutes(1);

  private final ExecutionStore store;
  private final Map<UUID, Marks> pending = new HashMap<>();

  public DispatchMarks(ExecutionStore store) {
    this.store = store;
  }

  /**
   * The confirmed attempts of one execution: node ids with their attempt, and fan-out item tries
   * (node id with the try's attempt). Arrays, as the SQL statements take them.
   */
  public record Marks(
      String[] nodeIds,
      Integer[] nodeAttempts,
      String[] itemNodeIds,
      Integer[] itemAttempts,
      Instant since) {

    public boolean isEmpty() {
      return nodeIds.length == 0 && itemNodeIds.length == 0;
    }

    static Marks of(
        Map<String, Integer> attempts, Map<String, List<Integer>> itemAttempts, Instant since) {
      List<String> itemNodes = new ArrayList<>();
      List<Integer> items = new ArrayList<>();
      itemAttempts.forEach(
          (nodeId, list) ->
              list.forEach(
                  a -> {
                    itemNodes.add(nodeId);
                    items.add(a);
                  }));
      return new Marks(
          attempts.keySet().toArray(String[]::new),
          attempts.values().toArray(Integer[]::new),
          itemNodes.toArray(String[]::new),
          items.toArray(Integer[]::new),
          since);
    }

    Marks plus(Marks other) {
      Map<String, Integer> nodes = new LinkedHashMap<>();
      for (int i = 0; i < nodeIds.length; i++) {
        nodes.put(nodeIds[i], nodeAttempts[i]);
      }
      for (int i = 0; i < other.nodeIds.length; i++) {
        nodes.merge(other.nodeIds[i], other.nodeAttempts[i], Math::max);
      }
      Map<String, List<Integer>> itemMap = new LinkedHashMap<>();
      for (Marks m : List.of(this, other)) {
        for (int i = 0; i < m.itemNodeIds.length; i++) {
          itemMap.computeIfAbsent(m.itemNodeIds[i], k -> new ArrayList<>()).add(m.itemAttempts[i]);
        }
      }
      return of(nodes, itemMap, since.isBefore(other.since) ? since : other.since);
    }
  }

  /** The broker confirmed these tasks of the execution. */
  public void confirmed(
      UUID executionId, Map<String, Integer> attempts, Map<String, List<Integer>> itemAttempts) {
    if (attempts.isEmpty() && itemAttempts.isEmpty()) {
      return;
    }
    add(executionId, Marks.of(attempts, itemAttempts, Instant.now()));
  }

  /** Takes the execution's unwritten confirms (the caller writes them); null when none. */
  public Marks take(UUID executionId) {
    synchronized (pending) {
      return pending.remove(executionId);
    }
  }

  /** Gives back confirms a failed transaction did not write. */
  public void restore(UUID executionId, Marks marks) {
    if (marks != null && !marks.isEmpty()) {
      add(executionId, marks);
    }
  }

  private void add(UUID executionId, Marks marks) {
    synchronized (pending) {
      pending.merge(executionId, marks, Marks::plus);
    }
  }

  /** How many executions have unwritten confirms (for tests and diagnostics). */
  public int pendingExecutions() {
    synchronized (pending) {
      return pending.size();
    }
  }

  @Scheduled(
      every = "${orchestrator.dispatch-mark-interval:1s}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> flush() {
    Map<UUID, Marks> batch;
    Instant oldest = Instant.now().minus(MAX_AGE);
    synchronized (pending) {
      if (pending.isEmpty()) {
        return Uni.createFrom().voidItem();
      }
      batch = new HashMap<>(pending);
      pending.clear();
    }
    batch.values().removeIf(m -> m.since().isBefore(oldest));
    if (batch.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return store
        .flushDispatched(batch)
        .invoke(
            written ->
                batch.forEach(
                    (executionId, marks) -> {
                      if (!written.contains(executionId)) {
                        restore(executionId, marks);
                      }
                    }))
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.debugf("broker confirms not recorded yet: %s", e.getMessage());
              batch.forEach(this::restore);
              return Set.of();
            })
        .replaceWithVoid();
  }

  void onStop(@Observes ShutdownEvent event) {
    try {
      flush().await().atMost(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      Log.debugf("broker confirms not recorded at shutdown: %s", e.getMessage());
    }
  }
}
