package io.logicgraph.orchestrator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.context.Template;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.message.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Result-cache keys: a digest of the tenant, of the node definition and of the inputs the node
 * reads, resolved on the context it sees. The tenant is part of the key: two tenants with the same
 * node and inputs never share a cached result. Where a node type's reads are known (condition and
 * field mappings, SQL parameters, prompt and key templates) only those paths count, so an unrelated
 * input does not defeat the cache; where they are not (GRL reads every top-level fact), the whole
 * context counts.
 */
public final class CacheKeys {
  private CacheKeys() {}

  public static String key(String tenant, NodeDefinition node, ObjectNode view) {
    ObjectNode material = Json.MAPPER.createObjectNode();
    material.put("tenant", tenant);
    material.set("node", Json.MAPPER.valueToTree(node));
    Set<String> paths = readPaths(node);
    if (paths == null) {
      material.set("context", canonical(view));
    } else {
      TreeMap<String, JsonNode> inputs = new TreeMap<>();
      paths.forEach(path -> inputs.put(path, ContextPath.get(view, path)));
      material.set("inputs", canonical(Json.MAPPER.valueToTree(inputs)));
    }
    return "lgf:cache:" + sha256(material.toString());
  }

  /** The context paths a node reads, or null when its type does not say. */
  static Set<String> readPaths(NodeDefinition node) {
    Set<String> paths = new TreeSet<>(node.fieldMappingsOrEmpty().values());
    switch (node.nodeType()) {
      case RULE -> {
        String condition = node.text("condition");
        if (condition != null) {
          paths.addAll(Expression.parse(condition).paths());
        }
      }
      case POSTGRES, MYSQL, DB -> {
        JsonNode params = node.field("params");
        if (params != null) {
          params.forEach(p -> paths.add(p.asText()));
        }
        // A DBNode may be in its Redis or Mongo form instead.
        templatePaths(node.text("key"), paths);
        templatePaths(node.text("value"), paths);
        collectTemplates(node.field("filter"), paths);
        collectTemplates(node.field("document"), paths);
      }
      case OPENAI, CLAUDE, OLLAMA, AI -> {
        templatePaths(node.text("prompt"), paths);
        templatePaths(node.text("system_prompt"), paths);
      }
      case REDIS -> {
        templatePaths(node.text("key"), paths);
        templatePaths(node.text("value"), paths);
      }
      case MONGO -> {
        collectTemplates(node.field("filter"), paths);
        collectTemplates(node.field("document"), paths);
      }
      default -> {
        return null;
      }
    }
    return paths;
  }

  private static void templatePaths(String template, Set<String> paths) {
    if (template != null) {
      paths.addAll(Template.paths(template));
    }
  }

  private static void collectTemplates(JsonNode value, Set<String> paths) {
    if (value == null) {
      return;
    }
    if (value.isTextual()) {
      templatePaths(value.asText(), paths);
    }
    value.forEach(child -> collectTemplates(child, paths));
  }

  /** Objects with sorted keys, so equal JSON gives equal text. */
  private static JsonNode canonical(JsonNode value) {
    if (value.isObject()) {
      ObjectNode sorted = Json.MAPPER.createObjectNode();
      TreeSet<String> names = new TreeSet<>();
      value.fieldNames().forEachRemaining(names::add);
      names.forEach(name -> sorted.set(name, canonical(value.get(name))));
      return sorted;
    }
    if (value.isArray()) {
      var array = Json.MAPPER.createArrayNode();
      value.forEach(v -> array.add(canonical(v)));
      return array;
    }
    return value;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
