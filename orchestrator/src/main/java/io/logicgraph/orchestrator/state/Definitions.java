package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.GraphDefinition;
import io.logicgraph.model.message.Json;
import io.logicgraph.orchestrator.OrchestratorConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Graph versions by (graph, version). Versions never change once stored, so each is cached forever:
 * in memory (parsed), then in Redis (shared by replicas), then read from PostgreSQL. Losing Redis
 * only costs a read.
 */
@ApplicationScoped
public class Definitions {
  private static final Duration REDIS_TTL = Duration.ofDays(7);

  private final ExecutionStore store;
  private final ReactiveValueCommands<String, String> redis;
  private final Map<String, Dag> memory;

  public Definitions(
      ExecutionStore store, ReactiveRedisDataSource redis, OrchestratorConfig config) {
    this.store = store;
    this.redis = redis.value(String.class);
    int capacity = config.definitionCacheSize();
    this.memory =
        Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Dag> eldest) {
                return size() > capacity;
              }
            });
  }

  public Uni<Dag> get(UUID graphId, int version) {
    String key = "lgf:graph:" + graphId + ":" + version;
    Dag cached = memory.get(key);
    if (cached != null) {
      return Uni.createFrom().item(cached);
    }
    return redis
        .get(key)
        .onFailure()
        .recoverWithNull()
        .chain(
            json -> {
              if (json != null) {
                return Uni.createFrom().item(parse(json));
              }
              return store
                  .loadDefinition(graphId, version)
                  .call(
                      graph ->
                          redis
                              .setex(key, REDIS_TTL.toSeconds(), write(graph))
                              .onFailure()
                              .invoke(e -> Log.debugf("definition not cached in Redis: %s", e))
                              .onFailure()
                              .recoverWithNull());
            })
        .map(
            graph -> {
              Dag dag = Dag.of(graph);
              memory.put(key, dag);
              return dag;
            });
  }

  private static GraphDefinition parse(String json) {
    try {
      return Json.MAPPER.readValue(json, GraphDefinition.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cached graph definition is not valid JSON", e);
    }
  }

  private static String write(GraphDefinition graph) {
    try {
      return Json.MAPPER.writeValueAsString(graph);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("graph definition cannot be serialized", e);
    }
  }
}
