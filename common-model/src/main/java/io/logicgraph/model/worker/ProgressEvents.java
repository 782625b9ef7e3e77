package io.logicgraph.model.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.ExecutionEventType;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Live progress written by the worker: a {@code node_started} entry on the execution's event stream
 * when an attempt starts. Best effort: fire-and-forget, never delays or fails the task, and the
 * worker's readiness does not depend on Redis.
 */
@ApplicationScoped
public class ProgressEvents {
  private static final Logger LOG = Logger.getLogger(ProgressEvents.class);
  private static final Duration TTL = Duration.ofSeconds(ExecutionEvents.STREAM_TTL_SECONDS);

  private final Redis redis;

  /** How long publishing a result may wait for its node_started entry. */
  private static final java.time.Duration WRITE_BOUND = java.time.Duration.ofMillis(500);

  public ProgressEvents(ReactiveRedisDataSource redis) {
    this.redis = redis.getRedis();
  }

  /**
   * Starts appending {@code node_started} for the task's attempt and returns at once; the returned
   * Uni completes when the entry is written, or after a short bound, or on failure (best effort).
   * Publishing the attempt's result after it keeps the node's events in causal order on the stream.
   */
  public Uni<Void> nodeStarted(NodeTask task, String workerId, Instant startedAt) {
    try {
      String key = ExecutionEvents.streamKey(task.executionId());
      ObjectNode data =
          Json.MAPPER
              .createObjectNode()
              .put("execution_id", task.executionId().toString())
              .put("node_id", task.nodeId())
              .put("attempt", task.attempt())
              .put("status", "running")
              .put("worker_id", workerId)
              .put("at", ExecutionEvents.timestamp(startedAt));
      Map<String, String> fields =
          Map.of("event", ExecutionEventType.NODE_STARTED.wire(), "data", data.toString());
      // XADD and EXPIRE pipelined: one round trip on the way to publishing the result.
      Request xadd =
          Request.cmd(Command.XADD)
              .arg(key)
              .arg("MAXLEN")
              .arg("~")
              .arg(ExecutionEvents.STREAM_MAX_LENGTH)
              .arg("*");
      fields.forEach((field, value) -> xadd.arg(field).arg(value));
      Uni<Void> written =
          redis
              .batch(List.of(xadd, Request.cmd(Command.EXPIRE).arg(key).arg(TTL.toSeconds())))
              .replaceWithVoid()
              .ifNoItem()
              .after(WRITE_BOUND)
              .recoverWithItem(() -> null)
              .onFailure()
              .recoverWithItem(
                  failure -> {
                    LOG.debugf(
                        "node_started of %s/%s not published: %s",
                        task.executionId(), task.nodeId(), failure.getMessage());
                    return null;
                  })
              .memoize()
              .indefinitely();
      written.subscribe().with(ignored -> {});
      return written;
    } catch (RuntimeException e) {
      LOG.debugf("node_started of %s/%s not published: %s", task.executionId(), task.nodeId(), e);
      return Uni.createFrom().voidItem();
    }
  }
}
