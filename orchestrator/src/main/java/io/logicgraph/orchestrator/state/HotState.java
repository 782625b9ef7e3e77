package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Node outputs of running executions, kept in Redis so that a step reads small status rows from
 * PostgreSQL and the (possibly large) outputs from memory. Each entry names the attempt that wrote
 * it; an entry for another attempt, a missing entry or an unreachable Redis all read as a miss,
 * which the caller fills from PostgreSQL: Redis can be flushed at any time.
 */
@ApplicationScoped
public class HotState {
  private static final Duration TTL = Duration.ofHours(24);

  private final ReactiveHashCommands<String, String, String> hashes;
  private final ReactiveKeyCommands<String> keys;
  private final Redis redis;

  public HotState(ReactiveRedisDataSource redis) {
    this.hashes = redis.hash(String.class);
    this.keys = redis.key(String.class);
    this.redis = redis.getRedis();
  }

  /** Outputs found for the wanted node → attempt pairs; misses are simply absent. */
  public Uni<Map<String, ObjectNode>> outputs(UUID executionId, Map<String, Integer> wanted) {
    if (wanted.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return hashes
        .hgetall(key(executionId))
        .map(
            stored -> {
              Map<String, ObjectNode> found = new HashMap<>();
              wanted.forEach(
                  (nodeId, attempt) -> {
                    String entry = stored.get(nodeId);
                    if (entry != null) {
                      JsonNode parsed = parse(entry);
                      if (parsed != null && parsed.path("attempt").asInt() == attempt) {
                        found.put(nodeId, (ObjectNode) parsed.get("output"));
                      }
                    }
                  });
              return found;
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.debugf("hot state unavailable, reading PostgreSQL: %s", e.getMessage());
              return Map.of();
            });
  }

  /** Remembers outputs (node → attempt and output); failures are logged, never raised. */
  public Uni<Void> remember(UUID executionId, Map<String, AttemptOutput> outputs) {
    if (outputs.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    Map<String, String> fields = new HashMap<>();
    outputs.forEach(
        (nodeId, value) -> {
          ObjectNode entry = Json.MAPPER.createObjectNode();
          entry.put("attempt", value.attempt());
          entry.set("output", value.output());
          fields.put(nodeId, entry.toString());
        });
    String key = key(executionId);
    // HSET and EXPIRE in one pipelined round trip.
    Request hset = Request.cmd(Command.HSET).arg(key);
    fields.forEach((field, value) -> hset.arg(field).arg(value));
    return redis
        .batch(List.of(hset, Request.cmd(Command.EXPIRE).arg(key).arg(TTL.toSeconds())))
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.debugf("hot state not updated: %s", e.getMessage());
              return null;
            });
  }

  /** Drops an execution's entries once it is terminal (its final context is in PostgreSQL). */
  public Uni<Void> forget(UUID executionId) {
    return keys.del(key(executionId)).replaceWithVoid().onFailure().recoverWithItem(e -> null);
  }

  private static String key(UUID executionId) {
    return "lgf:exec:" + executionId + ":outputs";
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** An output with the attempt that produced it. */
  public record AttemptOutput(int attempt, ObjectNode output) {}
}
