package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import java.util.Map;

/**
 * Turns a normalized {@link GraphDefinition} back into document form, so that re-validation runs
 * exactly the checks a submitted document goes through.
 */
final class NormalizedForm {
  private NormalizedForm() {}

  static ObjectNode toDocument(GraphDefinition graph, Problems problems) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    if (graph.name() != null) {
      doc.put("name", graph.name());
    }
    if (graph.description() != null) {
      doc.put("description", graph.description());
    }
    if (graph.metadata() != null) {
      doc.set("metadata", graph.metadata());
    }
    if (graph.nodes() != null) {
      ObjectNode nodes = doc.putObject("nodes");
      graph.nodes().forEach((id, node) -> nodes.set(id, node(id, node, problems)));
    }
    if (graph.edges() != null) {
      ArrayNode edges = doc.putArray("edges");
      graph
          .edges()
          .forEach(
              edge -> {
                if (edge == null) {
                  edges.addNull();
                  return;
                }
                ObjectNode e = edges.addObject();
                e.put("from", edge.from());
                e.put("to", edge.to());
                if (edge.condition() != null) {
                  e.put("condition", edge.condition());
                }
              });
    }
    return doc;
  }

  private static com.fasterxml.jackson.databind.JsonNode node(
      String id, NodeDefinition node, Problems problems) {
    if (node == null) {
      return NullNode.getInstance();
    }
    String path = "nodes." + id;
    if (node.id() != null && !node.id().equals(id)) {
      problems.error(path + ".id", "node id '" + node.id() + "' differs from its key '" + id + "'");
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (node.nodeType() != null) {
      out.put("node_type", node.nodeType().typeName());
    }
    if (node.config() != null) {
      node.config()
          .fields()
          .forEachRemaining(
              field -> {
                if (NodeReader.COMMON_FIELDS.contains(field.getKey())) {
                  problems.error(
                      path + ".config." + field.getKey(),
                      "'" + field.getKey() + "' is not a type-specific field");
                } else {
                  out.set(field.getKey(), field.getValue());
                }
              });
    }
    if (node.description() != null) {
      out.put("description", node.description());
    }
    if (node.timeoutMs() != null) {
      out.put("timeout_ms", node.timeoutMs());
    }
    if (node.retry() != null) {
      out.set("retry", Json.MAPPER.valueToTree(node.retry()));
    }
    if (node.cache() != null) {
      out.set("cache", Json.MAPPER.valueToTree(node.cache()));
    }
    if (node.onError() != null) {
      out.put("on_error", node.onError().wire());
    }
    putMap(out, "field_mappings", node.fieldMappings());
    putMap(out, "inputs", node.inputs());
    return out;
  }

  private static void putMap(ObjectNode out, String field, Map<String, String> map) {
    if (map != null) {
      ObjectNode object = out.putObject(field);
      map.forEach(object::put);
    }
  }
}
