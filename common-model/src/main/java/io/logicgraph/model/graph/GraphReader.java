package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.expr.ExpressionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates a parsed graph document completely (every problem, not only the first) and, when it is
 * valid, builds the normalized {@link GraphDefinition}.
 */
final class GraphReader {
  private static final List<String> TOP_LEVEL_FIELDS =
      List.of("name", "description", "metadata", "nodes", "edges");
  private static final List<String> EDGE_FIELDS = List.of("from", "to", "condition", "rule");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final int LISTED_PARTS = 10;
  private static final int LISTED_NODES = 5;

  private final GraphLimits limits;
  private final Problems problems;

  /** An edge as declared, with where it was declared. */
  private record DeclaredEdge(String from, String to, String condition, String path) {}

  GraphReader(GraphLimits limits, Problems problems) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.problems = problems;
  }

  ValidationReport read(JsonNode document) {
    if (!document.isObject()) {
      problems.error(
          "", "a graph document must be an object with 'nodes' (got " + kind(document) + ")");
      return problems.report(null, null);
    }
    ObjectNode doc = (ObjectNode) document;
    checkRepresentable(doc, "");
    UnknownFields.check(doc, "", "the graph", TOP_LEVEL_FIELDS, problems);
    FieldReader top = new FieldReader(doc, "", "the graph", problems);
    String name = top.text("name", false, false, null);
    if (name != null && !NAME.matcher(name).matches()) {
      problems.error("name", "'name' must be 1-100 characters of [A-Za-z0-9._-]");
    }
    String description = top.text("description", false, false, null);
    ObjectNode metadata = top.object("metadata");

    Map<String, NodeDefinition> nodes = new LinkedHashMap<>();
    Map<String, List<String>> dependencies = new LinkedHashMap<>();
    List<String> ids = readNodes(doc, nodes, dependencies);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
    List<EdgeDefinition> edges = mergeEdges(readEdges(doc, index), dependencies, index);
    if (edges.size() > limits.maxEdges()) {
      problems.error(
          "edges",
          "the graph has "
              + edges.size()
              + " edges (dependencies included); the limit is "
              + limits.maxEdges());
    }
    checkShape(ids, edges, index);

    if (problems.hasErrors()) {
      return problems.report(null, null);
    }
    GraphDefinition graph =
        new GraphDefinition(
            name,
            description,
            nodes,
            List.copyOf(edges),
            metadata == null ? null : metadata.deepCopy());
    return problems.report(graph, Dag.of(graph).layers());
  }

  private List<String> readNodes(
      ObjectNode doc, Map<String, NodeDefinition> nodes, Map<String, List<String>> dependencies) {
    JsonNode value = doc.get("nodes");
    if (value == null || value.isNull()) {
      problems.error("nodes", "missing required field 'nodes' (a map of node id to node)");
      return List.of();
    }
    if (!value.isObject()) {
      problems.error("nodes", "'nodes' must be a map of node id to node (got " + kind(value) + ")");
      return List.of();
    }
    if (value.isEmpty()) {
      problems.error("nodes", "'nodes' must not be empty");
      return List.of();
    }
    if (value.size() > limits.maxNodes()) {
      problems.error(
          "nodes", "the graph has " + value.size() + " nodes; the limit is " + limits.maxNodes());
    }
    List<String> ids = new ArrayList<>(value.size());
    value
        .fields()
        .forEachRemaining(
            entry -> {
              ids.add(entry.getKey());
              NodeReader.Result result =
                  NodeReader.read(entry.getKey(), entry.getValue(), problems, limits);
              if (result.node() != null) {
                nodes.put(entry.getKey(), result.node());
              }
              dependencies.put(entry.getKey(), result.dependencies());
            });
    return ids;
  }

  private List<DeclaredEdge> readEdges(ObjectNode doc, Map<String, Integer> index) {
    JsonNode value = doc.get("edges");
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      problems.error("edges", "'edges' must be a list of {from, to} objects");
      return List.of();
    }
    List<DeclaredEdge> edges = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      DeclaredEdge edge = readEdge(value.get(i), "edges[" + i + "]", index);
      if (edge != null) {
        edges.add(edge);
      }
    }
    return edges;
  }

  private DeclaredEdge readEdge(JsonNode value, String path, Map<String, Integer> index) {
    if (!value.isObject()) {
      problems.error(path, "an edge must be an object with 'from' and 'to'");
      return null;
    }
    ObjectNode edge = (ObjectNode) value;
    UnknownFields.check(edge, path, "an edge", EDGE_FIELDS, problems);
    FieldReader fields = new FieldReader(edge, path, "an edge", problems);
    String from = endpoint(fields, "from", index);
    String to = endpoint(fields, "to", index);
    String condition = condition(fields);
    if (from != null && from.equals(to)) {
      problems.error(path, "self-loop: an edge from '" + from + "' to itself");
      return null;
    }
    boolean conditionOk = condition == null || conditionParses(fields, condition);
    return from == null || to == null || !conditionOk
        ? null
        : new DeclaredEdge(from, to, condition, path);
  }

  private String endpoint(FieldReader fields, String field, Map<String, Integer> index) {
    String id = fields.text(field, true, true, "a node id");
    if (id != null && !index.containsKey(id)) {
      fields.error(field, "unknown node '" + id + "'");
      return null;
    }
    return id;
  }

  /** {@code condition}, or its alias {@code rule}; null, blank or absent means none. */
  private String condition(FieldReader fields) {
    String condition = conditionText(fields, "condition");
    String rule = conditionText(fields, "rule");
    if (condition != null && rule != null && !condition.equals(rule)) {
      fields.error("rule", "'rule' is an alias of 'condition' and they disagree; give one of them");
      return null;
    }
    return condition != null ? condition : rule;
  }

  private String conditionText(FieldReader fields, String key) {
    JsonNode value = fields.value(key);
    if (value == null) {
      return null;
    }
    if (value.isBoolean() || value.isNumber()) {
      return value.asText();
    }
    if (!value.isTextual()) {
      fields.error(key, "'" + key + "' must be a string (an expression) or null");
      return null;
    }
    return value.textValue().isBlank() ? null : value.textValue();
  }

  private boolean conditionParses(FieldReader fields, String condition) {
    String key = fields.has("condition") ? "condition" : "rule";
    try {
      Expression.parse(condition);
      return true;
    } catch (ExpressionException e) {
      fields.error(key, "condition does not parse: " + e.getMessage());
      return false;
    }
  }

  /**
   * Edges in declaration order, then those given only as {@code dependencies}. Repeated edges
   * merge; an edge from {@code edges} refines the same dependency with its condition.
   */
  private List<EdgeDefinition> mergeEdges(
      List<DeclaredEdge> declared,
      Map<String, List<String>> dependencies,
      Map<String, Integer> index) {
    Map<List<String>, DeclaredEdge> merged = new LinkedHashMap<>();
    for (DeclaredEdge edge : declared) {
      List<String> key = List.of(edge.from(), edge.to());
      DeclaredEdge first = merged.putIfAbsent(key, edge);
      if (first != null && !Objects.equals(first.condition(), edge.condition())) {
        problems.error(
            edge.path(),
            "edge "
                + edge.from()
                + " -> "
                + edge.to()
                + " is declared twice with different conditions (see "
                + first.path()
                + ")");
      }
    }
    dependencies.forEach(
        (node, deps) -> {
          for (int i = 0; i < deps.size(); i++) {
            String dep = deps.get(i);
            String path = "nodes." + node + ".dependencies[" + i + "]";
            if (!index.containsKey(dep)) {
              problems.error(path, "unknown node '" + dep + "'");
            } else if (dep.equals(node)) {
              problems.error(path, "node '" + node + "' cannot depend on itself");
            } else {
              merged.putIfAbsent(List.of(dep, node), new DeclaredEdge(dep, node, null, path));
            }
          }
        });
    return merged.values().stream()
        .map(e -> new EdgeDefinition(e.from(), e.to(), e.condition()))
        .toList();
  }

  private void checkShape(
      List<String> ids, List<EdgeDefinition> edges, Map<String, Integer> index) {
    if (ids.isEmpty()) {
      return;
    }
    List<int[]> pairs =
        edges.stream()
            .map(e -> new int[] {index.get(e.from()), index.get(e.to())})
            .collect(Collectors.toList());
    GraphShape shape = new GraphShape(ids.size(), pairs);
    for (List<Integer> cycle : shape.cycles()) {
      problems.error(
          "edges",
          "cycle detected: " + cycle.stream().map(ids::get).collect(Collectors.joining(" -> ")));
    }
    List<List<Integer>> parts = shape.components();
    if (parts.size() > 1) {
      String listed =
          parts.stream()
              .limit(LISTED_PARTS)
              .map(part -> describePart(part, ids))
              .collect(Collectors.joining(", "));
      problems.warning(
          "nodes",
          "the graph has "
              + parts.size()
              + " disconnected parts that run independently: "
              + listed
              + (parts.size() > LISTED_PARTS ? ", ..." : ""));
    }
  }

  private static String describePart(List<Integer> part, List<String> ids) {
    String names =
        part.stream().limit(LISTED_NODES).map(ids::get).collect(Collectors.joining(", "));
    return "{" + names + (part.size() > LISTED_NODES ? ", ..." : "") + "}";
  }

  /**
   * Values JSON cannot carry (non-finite numbers, YAML binary) and text PostgreSQL cannot store
   * (NUL, unpaired surrogates) would not survive storage.
   */
  private void checkRepresentable(JsonNode value, String path) {
    if (value.isContainerNode()) {
      if (value.isObject()) {
        value
            .fields()
            .forEachRemaining(
                e -> {
                  String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                  String problem = StorableText.problem(e.getKey());
                  if (problem != null) {
                    problems.error(child, "the key " + problem);
                  }
                  checkRepresentable(e.getValue(), child);
                });
      } else {
        for (int i = 0; i < value.size(); i++) {
          checkRepresentable(value.get(i), path + "[" + i + "]");
        }
      }
    } else if (value.isTextual()) {
      String problem = StorableText.problem(value.textValue());
      if (problem != null) {
        problems.error(path, "the text " + problem);
      }
    } else if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
      problems.error(path, "not a finite number");
    } else if (value.isBinary() || value.isPojo()) {
      problems.error(path, "binary and other non-JSON values are not supported");
    }
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an unsupported value";
    };
  }
}
