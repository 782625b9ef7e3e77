package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opt-in node result cache in Redis ({@code cache: {ttl_s}} on a node). An unreachable Redis is a
 * miss, never a failure: the node simply runs.
 */
@ApplicationScoped
public class ResultCache {
  private static final int SIZE_SCAN_LIMIT = 10_000;

  private final ReactiveValueCommands<String, String> values;
  private final RedisDataSource blocking;
  private final Counter hits;
  private final Counter misses;
  private final AtomicLong sizeBytes = new AtomicLong();

  public ResultCache(
      ReactiveRedisDataSource redis, RedisDataSource blocking, MeterRegistry registry) {
    this.values = redis.value(String.class);
    this.blocking = blocking;
    this.hits =
        Counter.builder("cache_hits_total")
            .description("Node results served from the result cache")
            .register(registry);
    this.misses =
        Counter.builder("cache_misses_total")
            .description("Cacheable node results not found in the result cache")
            .register(registry);
    Gauge.builder("cache_size_bytes", sizeBytes, AtomicLong::get)
        .description("Bytes of cached node results (sampled periodically)")
        .register(registry);
  }

  /** The cached outputs found for the given keys (misses are absent). */
  public Uni<Map<String, ObjectNode>> lookup(java.util.Collection<String> keys) {
    if (keys.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return values
        .mget(keys.toArray(String[]::new))
        .map(
            found -> {
              Map<String, ObjectNode> outputs = new java.util.HashMap<>();
              found.forEach(
                  (key, json) -> {
                    ObjectNode output = json == null ? null : parse(json);
                    if (output != null) {
                      outputs.put(key, output);
                    }
                  });
              hits.increment(outputs.size());
              misses.increment(keys.size() - outputs.size());
              return outputs;
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.debugf("result cache unavailable: %s", e.getMessage());
              misses.increment(keys.size());
              return Map.of();
            });
  }

  /** The Redis commands that cache these outputs, to be sent in the step's pipelined batch. */
  public List<Request> storeCommands(Map<String, CacheWrite> writes) {
    List<Request> commands = new ArrayList<>(writes.size());
    writes.forEach(
        (key, write) ->
            commands.add(
                Request.cmd(Command.SETEX)
                    .arg(key)
                    .arg(write.ttlS())
                    .arg(write.output().toString())));
    return commands;
  }

  /** Samples the cache's size (bounded scan). */
  @Scheduled(
      every = "30s",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sampleSize() {
    try {
      long total = 0;
      int seen = 0;
      var cursor =
          blocking.key(String.class).scan(new KeyScanArgs().match("lgf:cache:*").count(500));
      var strings = blocking.value(String.class);
      while (cursor.hasNext() && seen < SIZE_SCAN_LIMIT) {
        for (String key : cursor.next()) {
          String value = strings.get(key);
          total += value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
          seen++;
        }
      }
      sizeBytes.set(total);
    } catch (RuntimeException e) {
      Log.debugf("cache size not sampled: %s", e.getMessage());
    }
  }

  private static ObjectNode parse(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      return node instanceof ObjectNode object ? object : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** An output to cache for {@code ttlS} seconds. */
  public record CacheWrite(ObjectNode output, long ttlS) {}
}
