package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.Dag;
import java.util.Map;

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
   */
  public static ObjectNode forNode(
      Dag dag, ObjectNode input, Map<String, ObjectNode> outputs, String nodeId) {
    throw new UnsupportedOperationException("being written");
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
    throw new UnsupportedOperationException("being written");
  }
}
