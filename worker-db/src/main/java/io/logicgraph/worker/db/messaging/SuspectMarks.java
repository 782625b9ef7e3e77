package io.logicgraph.worker.db.messaging;

import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.SuspectTasks;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Marks a redelivered task in Redis while it runs alone (see {@link SuspectTasks}): if this worker
 * dies running it, the mark stays and tells the orchestrator, when the broker dead-letters the
 * task, that it is a poison task. Best effort with a short bound: without Redis a poison task is
 * re-dispatched once more instead of failed at once.
 */
@ApplicationScoped
public class SuspectMarks {
  private static final Logger LOG = Logger.getLogger(SuspectMarks.class);
  private static final Duration WRITE_BOUND = Duration.ofSeconds(1);

  private final ReactiveValueCommands<String, String> values;
  private final ReactiveKeyCommands<String> keys;

  public SuspectMarks(ReactiveRedisDataSource redis) {
    this.values = redis.value(String.class);
    this.keys = redis.key(String.class);
  }

  /** Sets the mark; completes once it is written (or after a short bound, or on failure). */
  Uni<Void> mark(NodeTask task, String workerId) {
    return values
        .setex(
            SuspectTasks.key(task.executionId(), task.nodeId(), task.attempt()),
            SuspectTasks.TTL_SECONDS,
            workerId)
        .replaceWithVoid()
        .ifNoItem()
        .after(WRITE_BOUND)
        .recoverWithItem(() -> null)
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf(
                  "suspect mark of %s/%s not written: %s",
                  task.executionId(), task.nodeId(), failure.getMessage());
              return null;
            });
  }

  /** Deletes the mark (fire and forget): the task ended without crashing this worker. */
  void clear(NodeTask task) {
    keys.del(SuspectTasks.key(task.executionId(), task.nodeId(), task.attempt()))
        .subscribe()
        .with(ignored -> {}, failure -> LOG.debugf("suspect mark not deleted: %s", failure));
  }
}
