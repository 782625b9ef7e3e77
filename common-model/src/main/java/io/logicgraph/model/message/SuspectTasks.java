package io.logicgraph.model.message;

import java.util.UUID;

/**
 * Marks of tasks suspected of crashing their worker. A task the broker delivers again (its previous
 * holder died or gave it back) is run by its worker alone, after incrementing a Redis counter; the
 * counter is deleted once its result is confirmed. The counter therefore says how many workers died
 * while running the task alone. At {@code worker.poison-crashes} the next worker dead-letters the
 * task instead of running it. A mark still present when a task reaches its dead-letter queue means
 * a worker died while running it alone: a poison task, failed with E011. A dead-lettered task
 * without one was only delivered alongside a poison task, or again and again to dying workers, and
 * is re-dispatched rather than failed.
 */
public final class SuspectTasks {
  /** Lifetime of a mark: far longer than any delivery cycle of one task. */
  public static final long TTL_SECONDS = 24 * 3600;

  private SuspectTasks() {}

  /** The Redis key marking one attempt's task as running alone. */
  public static String key(UUID executionId, String nodeId, int attempt) {
    return "lgf:suspect:" + executionId + ":" + nodeId + ":" + attempt;
  }
}
