package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Node outputs of running executions, kept in Redis so that a step reads small status rows from
 * PostgreSQL and the (possibly large) outputs from memory. Each entry names the attempt that wrote
 * it; an entry for another attempt, a missing entry or an unreachable Redis all read as a miss,
 * which the caller fills from PostgreSQL: Redis can be flushed at any time.
 *
 * <p>An attempt's output never changes once applied, so this replica also keeps the outputs of the
 * executions it stepped recently in its own memory (bounded, least recently used first out) and
 * asks Redis only for what is not there: most steps of an execution run on the replica that ran the
 * previous one, and then read nothing.
 */
@ApplicationScoped
public class HotState {
  private static final Duration TTL = Duration.ofHours(24);

  /** Executions whose outputs this replica keeps in memory. */
  private static final int MEMORY_EXECUTIONS = 2048;

  /** Outputs larger than this (characters of JSON) are left to Redis. */
  private static final int MEMORY_MAX_OUTPUT_CHARS = 16 * 1024;

  private final Map<UUID, Map<String, AttemptOutput>> memory =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Map<String, AttemptOutput>> eldest) {
          return size() > MEMORY_EXECUTIONS;
        }
      };

  private final ReactiveHashCommands<String, String, String> hashes;
  private final Redis redis;

  public HotState(ReactiveRedisDataSource redis) {
    this.hashes = redis.hash(String.class);
    this.redis = redis.getRedis();
  }

  /** Outputs found for the wanted node → attempt pairs; misses are simply absent. */
  public Uni<Map<String, ObjectNode>> outputs(UUID executionId, Map<String, Integer> wanted) {
    if (wanted.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    Map<String, ObjectNode> found = new HashMap<>();
    synchronized (memory) {
      Map<String, AttemptOutput> known = memory.get(executionId);
      if (known != null) {
        wanted.forEach(
            (nodeId, attempt) -> {
              AttemptOutput entry = known.get(nodeId);
              if (entry != null && entry.attempt() == attempt) {
                found.put(nodeId, entry.output());
              }
            });
      }
    }
    if (found.size() == wanted.size()) {
      return Uni.createFrom().item(found);
    }
    return hashes
        .hgetall(key(executionId))
        .map(
            stored -> {
              wanted.forEach(
                  (nodeId, attempt) -> {
                    String entry = found.containsKey(nodeId) ? null : stored.get(nodeId);
                    if (entry != null) {
                      JsonNode parsed = parse(entry);
                      if (parsed != null
                          && parsed.path("attempt").asInt() == attempt
                          && parsed.get("output") instanceof ObjectNode output) {
                        found.put(nodeId, output);
                        keep(
                            executionId,
                            nodeId,
                            new AttemptOutput(attempt, output),
                            entry.length());
                      }
                    }
                  });
              return found;
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.debugf("hot state unavailable, reading PostgreSQL: %s", e.getMessage());
              return found;
            });
  }

  /**
   * The Redis commands that remember outputs (node → attempt and output), to be sent in the step's
   * one pipelined batch; keeps them in this replica's memory too.
   */
  public List<Request> rememberCommands(UUID executionId, Map<String, AttemptOutput> outputs) {
    if (outputs.isEmpty()) {
      return List.of();
    }
    String key = key(executionId);
    Request hset = Request.cmd(Command.HSET).arg(key);
    outputs.forEach(
        (nodeId, value) -> {
          ObjectNode entry = Json.MAPPER.createObjectNode();
          entry.put("attempt", value.attempt());
          entry.set("output", value.output());
          String json = entry.toString();
          keep(executionId, nodeId, value, json.length());
          hset.arg(nodeId).arg(json);
        });
    return List.of(hset, Request.cmd(Command.EXPIRE).arg(key).arg(TTL.toSeconds()));
  }

  /** The Redis command that drops a terminal execution's entries; forgets them here too. */
  public Request forgetCommand(UUID executionId) {
    synchronized (memory) {
      memory.remove(executionId);
    }
    return Request.cmd(Command.DEL).arg(key(executionId));
  }

  private void keep(UUID executionId, String nodeId, AttemptOutput value, int chars) {
    synchronized (memory) {
      Map<String, AttemptOutput> known = memory.computeIfAbsent(executionId, id -> new HashMap<>());
      if (chars <= MEMORY_MAX_OUTPUT_CHARS) {
        known.put(nodeId, value);
      } else {
        known.remove(nodeId);
      }
    }
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
