package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.message.NodeTask;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What a SQL node asks for (its {@code query}, the context values of its {@code params}, the rows
 * it returns at most) and the output every SQL datasource writes for it.
 */
record SqlStatement(String nodeId, String sql, List<JsonNode> params, int maxRows) {

  /**
   * Reads the node of a task.
   *
   * @param placeholder how the database's SQL writes the i-th parameter (for messages)
   * @throws LogicGraphException E004 for a missing query or a bad max_rows, E010 for a parameter
   *     missing from the context
   */
  static SqlStatement read(NodeTask task, int defaultMaxRows, IntFunction<String> placeholder) {
    String nodeId = task.nodeId();
    NodeDefinition node = task.node();
    String sql = node.text("query");
    if (sql == null || sql.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004, "node '" + nodeId + "' has no query", false, null);
    }
    List<JsonNode> params =
        SqlParameters.resolve(nodeId, node.field("params"), task.context(), placeholder);
    return new SqlStatement(
        nodeId, sql, params, maxRows(nodeId, node.field("max_rows"), defaultMaxRows));
  }

  private static int maxRows(String nodeId, JsonNode configured, int defaultMaxRows) {
    if (configured == null || configured.isNull()) {
      return defaultMaxRows;
    }
    if (!configured.canConvertToInt() || configured.intValue() < 1) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "max_rows of node '" + nodeId + "' must be a positive integer",
          false,
          null);
    }
    return configured.intValue();
  }

  /**
   * The node's output: {@code <id>_result} (the rows, at most max_rows), {@code <id>_count} (rows
   * returned, or rows changed by a statement without result columns) and {@code <id>_truncated:
   * true} only when more than max_rows rows existed.
   *
   * @param rows the rows read, possibly one more than max_rows (telling "truncated" from "exactly
   *     max_rows")
   */
  ObjectNode output(List<ObjectNode> rows, boolean returnsRows, int changedRows) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    rows.stream().limit(maxRows).forEach(result::add);
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.set(nodeId + "_result", result);
    output.put(nodeId + "_count", returnsRows ? result.size() : changedRows);
    if (rows.size() > maxRows) {
      output.put(nodeId + "_truncated", true);
    }
    return output;
  }
}
