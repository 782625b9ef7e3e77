package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.Dag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Builds execution contexts deterministically: the input, then node outputs applied in topological
 * order, so the result never depends on worker timing.
 */
public final class ExecutionContexts {
  private ExecutionContexts() {}

  /**
   * The context {@code nodeId} sees: the input plus the outputs of its ancestors (only those
   * present in {@code outputs}: skipped or failed-and-continued nodes contribute what they wrote,
   * if anything).
   *
   * <p>Ancestors' outputs are applied in topological order, so the view is deterministic even when
   * two of them write the same key; that conflict is reported by {@link #finalContext}, not here.
   *
   * @throws IllegalArgumentException when {@code nodeId} or a key of {@code outputs} is not a node
   *     of the graph
   */
  public static ObjectNode forNode(
      Dag dag, ObjectNode input, Map<String, ObjectNode> outputs, String nodeId) {
    Set<String> ancestors = dag.ancestors(nodeId);
    return merge(dag, input, outputs, ancestors::contains, false);
  }

  /**
   * The final context: the input plus every output.
   *
   * @throws io.logicgraph.model.error.LogicGraphException E010 naming both nodes when two nodes
   *     that can run concurrently (neither is an ancestor of the other) write the same top-level
   *     key
   */
  public static ObjectNode finalContext(
      Dag dag, ObjectNode input, Map<String, ObjectNode> outputs) {
    return merge(dag, input, outputs, id -> true, true);
  }

  private static ObjectNode merge(
      Dag dag,
      ObjectNode input,
      Map<String, ObjectNode> outputs,
      Predicate<String> selection,
      boolean failOnConflict) {
    Objects.requireNonNull(dag, "dag");
    Objects.requireNonNull(outputs, "outputs");
    for (String id : outputs.keySet()) {
      dag.documentIndex(id);
    }
    ObjectNode context = input == null ? JsonNodeFactory.instance.objectNode() : input.deepCopy();
    Map<String, List<String>> writers = new HashMap<>();
    for (String id : dag.topologicalOrder()) {
      ObjectNode output = outputs.get(id);
      if (output == null || !selection.test(id)) {
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = output.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (failOnConflict) {
          List<String> earlier = writers.computeIfAbsent(field.getKey(), k -> new ArrayList<>());
          for (String other : earlier) {
            if (!dag.isAncestor(other, id)) {
              throw conflict(other, id, field.getKey());
            }
          }
          earlier.add(id);
        }
        context.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return context;
  }

  private static LogicGraphException conflict(String first, String second, String key) {
    return new LogicGraphException(
        ErrorCode.E010,
        "nodes '"
            + first
            + "' and '"
            + second
            + "' both write '"
            + key
            + "' and may run concurrently; the result would depend on timing",
        false,
        "make one of them depend on the other (an edge or 'dependencies'), or let them write"
            + " different keys");
  }
}
