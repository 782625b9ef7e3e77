package io.logicgraph.orchestrator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Tuning of the orchestrator; every key has a default that suits a local run. */
@ConfigMapping(prefix = "orchestrator")
public interface OrchestratorConfig {

  /** Deadline of a node attempt whose definition sets no {@code timeout_ms}. */
  @WithDefault("30s")
  Duration defaultNodeTimeout();

  /**
   * Extra attempts granted to a node whose attempt passed its deadline without a result (a lost
   * task, a dead worker), on top of its retry policy.
   */
  @WithDefault("2")
  int lostTaskRedispatches();

  /** A task queued this long without a broker confirm is published again by the reconciler. */
  @WithDefault("5s")
  Duration dispatchGrace();

  /** A pending execution this old that no request message started is started by the reconciler. */
  @WithDefault("5s")
  Duration startGrace();

  /** How often the reconciler looks for stranded executions. */
  @WithDefault("2s")
  Duration reconcileInterval();

  /** Delay before the reconciler's first pass after start. */
  @WithDefault("3s")
  Duration reconcileDelay();

  /** How often queue depth, age and processing rate are refreshed. */
  @WithDefault("5s")
  Duration queueMetricsInterval();

  /** Executions the reconciler examines per pass. */
  @WithDefault("200")
  int reconcileBatch();

  /**
   * Deepest nesting of child executions (a SubgraphNode's child is one deeper than its parent; a
   * top-level execution is at depth 0). A SubgraphNode that would go deeper fails with E004.
   */
  @WithDefault("5")
  int maxSubgraphDepth();

  /**
   * Most results of one execution applied together in one step (one transaction, one publish of the
   * successors); results that arrive while a step of their execution runs wait for the next.
   */
  @WithDefault("64")
  int maxResultsPerStep();

  /**
   * Steps applying results that run at once in this replica (steps of one execution still take
   * turns). Each waits on PostgreSQL, Redis and the broker most of its time, so more of them in
   * flight raises throughput (deploy/benchmark); keep {@code quarkus.datasource.reactive.max-size}
   * above this.
   */
  @WithDefault("16")
  int resultConcurrency();

  /** Execution requests (start, cancel, retry) served at once in this replica. */
  @WithDefault("2")
  int requestConcurrency();

  /** Parsed graph versions kept in memory (they are immutable). */
  @WithDefault("1000")
  int definitionCacheSize();
}
