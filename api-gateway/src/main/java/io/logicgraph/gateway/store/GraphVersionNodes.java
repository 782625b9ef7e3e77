package io.logicgraph.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.GraphDefinition;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The nodes of each graph version (id to node type, in the order they run), kept in memory: a
 * version never changes once stored, so every status read and every {@code execute?wait} answer of
 * an execution need not read and analyse its definition again. At most {@value #MAX_VERSIONS}
 * versions, least recently used first out. Callers reach a version only through an execution row
 * they already checked the tenant of.
 */
@ApplicationScoped
public class GraphVersionNodes {
  static final int MAX_VERSIONS = 512;

  private static final String DEFINITION =
      "SELECT definition::text AS definition FROM graph_versions"
          + " WHERE graph_id = $1 AND version = $2";

  private record Key(UUID graphId, int version) {}

  private final Database db;
  private final Map<Key, Map<String, String>> versions =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Map<String, String>> eldest) {
              return size() > MAX_VERSIONS;
            }
          });

  public GraphVersionNodes(Database db) {
    this.db = db;
  }

  /** The version's nodes; empty when the version is unknown (not cached then). */
  public Uni<Map<String, String>> of(UUID graphId, int version) {
    Key key = new Key(graphId, version);
    Map<String, String> known = versions.get(key);
    if (known != null) {
      return Uni.createFrom().item(known);
    }
    return db.sql(DEFINITION, Tuple.of(graphId, version))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Map.<String, String>of();
              }
              JsonNode definition;
              try {
                definition = Json.MAPPER.readTree(rows.iterator().next().getString("definition"));
              } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored definition is not JSON", e);
              }
              Map<String, String> nodes = Collections.unmodifiableMap(nodeTypes(definition));
              versions.put(key, nodes);
              return nodes;
            });
  }

  /**
   * Node id to node type, in topological order (the stored jsonb keeps no key order, so the
   * document order is gone; the order nodes run in is the useful one). Falls back to the stored
   * order if the definition cannot be analysed.
   */
  public static Map<String, String> nodeTypes(JsonNode definition) {
    Map<String, String> types = new LinkedHashMap<>();
    JsonNode declared = definition == null ? null : definition.get("nodes");
    if (declared == null || !declared.isObject()) {
      return types;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> node = it.next();
      JsonNode type = node.getValue().get("node_type");
      types.put(node.getKey(), type == null || type.isNull() ? null : type.asText());
    }
    try {
      GraphDefinition graph = Json.MAPPER.treeToValue(definition, GraphDefinition.class);
      Map<String, String> ordered = new LinkedHashMap<>();
      for (String id : Dag.of(graph).topologicalOrder()) {
        ordered.put(id, types.get(id));
      }
      if (ordered.keySet().equals(types.keySet())) {
        return ordered;
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // stored order then
    }
    return types;
  }
}
