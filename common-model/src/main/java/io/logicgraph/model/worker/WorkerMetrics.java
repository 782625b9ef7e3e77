package io.logicgraph.model.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;

/** The worker metrics every pool exports (same names and labels in all three workers). */
@ApplicationScoped
public class WorkerMetrics {
  private final MeterRegistry registry;
  private final String workerType;
  private volatile long lastFinishedNanos = System.nanoTime();

  public WorkerMetrics(MeterRegistry registry, PoolRunner runner) {
    this.registry = registry;
    this.workerType = runner.kind().label();
  }

  /** The {@code worker_type} label of this pool ({@code db}, {@code ai}, {@code rule}). */
  public String workerType() {
    return workerType;
  }

  /**
   * Registers {@code worker_active_tasks}, read from the given supplier, and {@code
   * worker_idle_time_seconds}: how long the worker has had nothing to run (0 while it runs a task).
   */
  public void activeTasks(Supplier<Number> active) {
    Gauge.builder("worker.active.tasks", active)
        .description("Node attempts running now")
        .tag("worker_type", workerType)
        .register(registry);
    Gauge.builder(
            "worker.idle.time",
            () ->
                active.get().intValue() > 0
                    ? 0.0
                    : (System.nanoTime() - lastFinishedNanos) / 1_000_000_000.0)
        .description("Seconds since this worker last had a task to run (0 while busy)")
        .baseUnit("seconds")
        .tag("worker_type", workerType)
        .register(registry);
  }

  /**
   * Counts a task message by what happened to it: {@code succeeded}, {@code failed} (a FAILED
   * result was published), {@code rejected} (unreadable, dead-lettered), {@code poison}
   * (dead-lettered because workers kept dying while running it) or {@code requeued} (the result
   * could not be published).
   */
  public void taskProcessed(String status) {
    Counter.builder("worker.tasks.processed")
        .description("Task messages handled by this worker")
        .tag("worker_type", workerType)
        .tag("status", status)
        .register(registry)
        .increment();
  }

  /** Records one node attempt: its duration, and an error by code when it failed. */
  public void nodeExecuted(String nodeType, String status, Duration duration, String errorCode) {
    lastFinishedNanos = System.nanoTime();
    Timer.builder("node.execution.duration")
        .description("Duration of node attempts on this worker")
        .tag("node_type", nodeType)
        .tag("status", status)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
    Counter.builder("graph.nodes.executed")
        .description("Node attempts executed")
        .tag("node_type", nodeType)
        .register(registry)
        .increment();
    if (errorCode != null) {
      Counter.builder("node.execution.errors")
          .description("Node attempts that failed, by error code")
          .tag("node_type", nodeType)
          .tag("error_type", errorCode)
          .register(registry)
          .increment();
    }
  }
}
