package io.logicgraph.worker.ai;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings shared by every worker pool (same keys in worker-db, worker-ai and worker-ai). */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {
  String DEFAULT_CONCURRENCY = "32";

  /** Node attempts run at the same time by this process. */
  @WithDefault(DEFAULT_CONCURRENCY)
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

  /** Identity written into results; default {@code worker-ai@<host>:<pid>}. */
  Optional<String> id();
}
