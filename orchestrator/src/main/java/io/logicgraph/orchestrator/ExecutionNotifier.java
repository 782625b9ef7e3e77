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
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
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
  private final ReactivePubSubCommands<String> pubsub;
  private final Redis redis;
  private final MeterRegistry registry;

  public ExecutionNotifier(ReactiveRedisDataSource redis, MeterRegistry registry) {
    this.pubsub = redis.pubsub(String.class);
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

  /** Appends the step's events, in order, to the execution's stream. */
  public Uni<Void> publish(UUID executionId, List<Event> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    String key = ExecutionEvents.streamKey(executionId);
    // One pipelined batch (one round trip, commands applied in order) instead of one round trip
    // per event: a fan-out step queues dozens of nodes at once.
    List<Request> batch = new ArrayList<>(events.size() + 1);
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
    batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(ExecutionEvents.STREAM_TTL_SECONDS));
    return redis
        .batch(batch)
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf("progress events of %s not published: %s", executionId, e.getMessage());
              return null;
            });
  }

  /** Counts the execution's end and wakes whoever waits for it. */
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
        .publish(ExecutionEvents.FINISHED_CHANNEL, executionId.toString())
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf("finished notification for %s not sent: %s", executionId, e.getMessage());
              return null;
            });
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
