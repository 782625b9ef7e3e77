package io.logicgraph.model.worker;

import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.SuspectTasks;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The crash counters of suspect tasks (see {@link SuspectTasks}). Best effort with a short bound:
 * without Redis a poison task is only recognised by the queue's delivery limit, and dead-lettered
 * without a mark it is re-dispatched once more instead of failed at once.
 */
@ApplicationScoped
public class SuspectMarks {
  private static final Logger LOG = Logger.getLogger(SuspectMarks.class);

  /**
   * Bound of one Redis call. Generous: the first call of a worker that just restarted also opens
   * the connection, and a count read as 0 too early would let a poison task crash one more worker.
   */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private final Redis redis;

  public SuspectMarks(ReactiveRedisDataSource redis) {
    this.redis = redis.getRedis();
  }

  /** How many workers died while running this task alone (0 when unknown). */
  Uni<Long> crashes(NodeTask task) {
    return redis
        .send(Request.cmd(Command.GET).arg(key(task)))
        .map(response -> response == null ? 0L : Long.parseLong(response.toString()))
        .ifNoItem()
        .after(BOUND)
        .recoverWithItem(0L)
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("suspect count of %s not read: %s", describe(task), failure.getMessage());
              return 0L;
            });
  }

  /** Counts one more alone-run; completes once written (or after a short bound, or on failure). */
  Uni<Void> mark(NodeTask task) {
    String key = key(task);
    return redis
        .batch(
            List.of(
                Request.cmd(Command.INCR).arg(key),
                Request.cmd(Command.EXPIRE).arg(key).arg(SuspectTasks.TTL_SECONDS)))
        .map(List::size)
        .replaceWithVoid()
        .ifNoItem()
        .after(BOUND)
        .recoverWithItem(() -> null)
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("suspect mark of %s not written: %s", describe(task), failure.getMessage());
              return null;
            });
  }

  /** Deletes the counter (fire and forget): the task ended without crashing this worker. */
  void clear(NodeTask task) {
    redis
        .send(Request.cmd(Command.DEL).arg(key(task)))
        .subscribe()
        .with(
            ignored -> {},
            failure -> LOG.debugf("suspect mark not deleted: %s", failure.getMessage()));
  }

  private static String key(NodeTask task) {
    return SuspectTasks.key(task.executionId(), task.nodeId(), task.attempt());
  }

  private static String describe(NodeTask task) {
    return task.executionId() + "/" + task.nodeId() + "#" + task.attempt();
  }
}
