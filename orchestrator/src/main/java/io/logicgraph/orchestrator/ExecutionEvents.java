package io.logicgraph.orchestrator;

import io.logicgraph.model.graph.ExecutionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What the rest of the fleet learns when an execution ends: a Redis notification (the gateway's
 * {@code wait} listens to it) and the execution metrics. A lost notification only delays a waiting
 * client's answer, so failures here never fail the step that caused them.
 */
@ApplicationScoped
public class ExecutionEvents {
  /** Redis channel carrying the id of every execution that reached a terminal status. */
  public static final String FINISHED_CHANNEL = "lgf:executions:finished";

  private final ReactivePubSubCommands<String> pubsub;
  private final MeterRegistry registry;

  public ExecutionEvents(ReactiveRedisDataSource redis, MeterRegistry registry) {
    this.pubsub = redis.pubsub(String.class);
    this.registry = registry;
  }

  public Uni<Void> finished(UUID executionId, ExecutionStatus status, Instant createdAt) {
    Counter.builder("graph_executions_total")
        .description("Executions that reached a terminal status")
        .tag("status", status.wire())
        .register(registry)
        .increment();
    Timer.builder("graph_execution_duration_seconds")
        .description("Time from accepting an execution to its terminal status")
        .tag("status", status.wire())
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.between(createdAt, Instant.now()));
    return pubsub
        .publish(FINISHED_CHANNEL, executionId.toString())
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf("finished notification for %s not sent: %s", executionId, e.getMessage());
              return null;
            });
  }
}
