package io.logicgraph.model.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings shared by every worker pool (same keys in worker-db, worker-ai and worker-rule). */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {
  /** Node attempts run at the same time by this process. */
  @WithDefault("8")
  int concurrency();

  /** Unacknowledged tasks the broker may push to this process; default 2 × concurrency. */
  Optional<Integer> prefetch();

  /** Largest serialized node output accepted; above it the node fails with E010. */
  @WithDefault("262144")
  int maxOutputBytes();

  /** How long to wait for the broker to confirm a result before the task is requeued. */
  @WithDefault("10s")
  Duration publishTimeout();

  /** Deadline of an attempt whose task carries none (the orchestrator normally sets one). */
  @WithDefault("30s")
  Duration defaultTimeout();

  /**
   * A task that was running alone when its worker died this many times is a poison task: the next
   * worker to receive it dead-letters it instead of running it (the orchestrator then fails its
   * node with E011). Must be at least 1.
   */
  @WithDefault("2")
  int poisonCrashes();

  /** On shutdown, how long running attempts may take to finish before the process stops. */
  @WithDefault("10s")
  Duration shutdownGrace();

  /** Identity written into results; default {@code worker-<pool>@<host>:<pid>}. */
  Optional<String> id();

  /** The prefetch in effect. */
  default int effectivePrefetch() {
    return prefetchFor(prefetch(), concurrency());
  }

  /** An explicit prefetch, else twice the concurrency (so raising one never starves the other). */
  static int prefetchFor(Optional<Integer> prefetch, int concurrency) {
    return prefetch.orElse(2 * concurrency);
  }
}
