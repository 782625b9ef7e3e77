package io.logicgraph.orchestrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.message.ExecutionEventType;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the rest of the fleet learns from committed steps: live progress events on the execution's
 * Redis stream (read by the gateway's SSE endpoint), a notification when an execution ends (the
 * gateway's {@code wait} listens to it) and the execution metrics. Events are written only after
 * the step that caused them committed. A lost event only degrades what a client watching live sees,
 * never the execution, so failures here are logged and never fail the step.
 */
@ApplicationScoped
public class ExecutionNotifier {
  private final Redis redis;
  private final MeterRegistry registry;

  public ExecutionNotifier(ReactiveRedisDataSource redis, MeterRegistry registry) {
    this.redis = redis.getRedis();
    this.registry = registry;
  }

  /** One progress event of a step. */
  public record Event(
      ExecutionEventType type,
      String nodeId,
      Integer attempt,
      String status,
      NodeError error,
      Instant at) {

    public static Event execution(ExecutionEventType type, String status, NodeError error) {
      return new Event(type, null, null, status, error, Instant.now());
    }

    public static Event node(
        ExecutionEventType type, String nodeId, Integer attempt, String status, NodeError error) {
      return new Event(type, nodeId, attempt, status, error, Instant.now());
    }
  }

  /**
   * Appends the step's events, in order, to the execution's stream, together with the step's other
   * Redis writes ({@code alongside}: hot outputs, cache entries) and, when the step ended the
   * execution ({@code finished} not null), the notification that wakes whoever waits for it: one
   * pipelined round trip (commands applied in order) for the whole step.
   */
  public Uni<Void> publish(
      UUID executionId,
      List<Event> events,
      List<Request> alongside,
      ExecutionStatus finished,
      Instant createdAt) {
    List<Request> batch = new ArrayList<>(events.size() + alongside.size() + 2);
    String key = ExecutionEvents.streamKey(executionId);
    for (Event event : events) {
      batch.add(
          Request.cmd(Command.XADD)
              .arg(key)
              .arg("MAXLEN")
              .arg("~")
              .arg(ExecutionEvents.STREAM_MAX_LENGTH)
              .arg("*")
              .arg("event")
              .arg(event.type().wire())
              .arg("data")
              .arg(data(executionId, event).toString()));
    }
    if (!events.isEmpty()) {
      batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(ExecutionEvents.STREAM_TTL_SECONDS));
    }
    batch.addAll(alongside);
    if (finished != null) {
      count(finished, createdAt);
      batch.add(
          Request.cmd(Command.PUBLISH)
              .arg(ExecutionEvents.FINISHED_CHANNEL)
              .arg(executionId.toString()));
    }
    if (batch.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return redis
        .batch(batch)
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf(
                  "progress events of %s not published%s: %s",
                  executionId,
                  finished == null ? "" : " (nor its finished notification)",
                  e.getMessage());
              return null;
            });
  }

  /** Counts the execution's end. */
  private void count(ExecutionStatus status, Instant createdAt) {
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
  }

  private static ObjectNode data(UUID executionId, Event event) {
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("execution_id", executionId.toString());
    if (event.nodeId() != null) {
      data.put("node_id", event.nodeId());
    }
    if (event.attempt() != null) {
      data.put("attempt", event.attempt());
    }
    if (event.status() != null) {
      data.put("status", event.status());
    }
    if (event.error() != null) {
      data.set("error", Json.MAPPER.valueToTree(event.error()));
    }
    data.put("at", ExecutionEvents.timestamp(event.at()));
    return data;
  }
}
