package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore.Snapshot;
import io.logicgraph.gateway.store.NodeExecutionEntity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /executions/{id}/results}: the final context (null until the execution ended) and each
 * node's {@code <node>_result}, null for nodes that produced none.
 */
public record ExecutionResults(
    UUID executionId,
    String status,
    JsonNode context,
    Map<String, JsonNode> outputs,
    JsonNode error) {

  static ExecutionResults of(Snapshot snapshot) {
    ExecutionEntity e = snapshot.execution();
    Map<String, NodeExecutionEntity> rows = new HashMap<>();
    snapshot.nodes().forEach(row -> rows.put(row.nodeId, row));
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    for (String nodeId : snapshot.nodeTypes().keySet()) {
      outputs.put(nodeId, result(rows.remove(nodeId), nodeId));
    }
    rows.forEach((nodeId, row) -> outputs.put(nodeId, result(row, nodeId)));
    return new ExecutionResults(e.id, e.status, e.context, outputs, e.error);
  }

  private static JsonNode result(NodeExecutionEntity row, String nodeId) {
    if (row == null || row.output == null) {
      return null;
    }
    JsonNode value = row.output.get(nodeId + "_result");
    return value == null || value.isNull() ? null : value;
  }
}
