package io.logicgraph.deploy.manifests;

import java.util.Set;

/** The metric names the services export (spec 05, Metrics), as Prometheus series names. */
final class FleetMetrics {
  /** Timers, exported as Prometheus histograms. */
  static final Set<String> HISTOGRAMS =
      Set.of("graph_execution_duration_seconds", "node_execution_duration_seconds");

  static final Set<String> SIMPLE =
      Set.of(
          "graph_executions_total",
          "graph_nodes_executed_total",
          "node_execution_errors_total",
          "worker_tasks_processed_total",
          "worker_active_tasks",
          "worker_idle_time_seconds",
          "queue_depth",
          "queue_processing_rate",
          "queue_age_seconds",
          "cache_hits_total",
          "cache_misses_total",
          "cache_size_bytes",
          // Prometheus's own scrape-health series.
          "up");

  private FleetMetrics() {}

  /** Whether a series name is one the fleet (or Prometheus itself) produces. */
  static boolean known(String series) {
    if (SIMPLE.contains(series)) {
      return true;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
      if (series.endsWith(suffix)
          && HISTOGRAMS.contains(series.substring(0, series.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }
}
