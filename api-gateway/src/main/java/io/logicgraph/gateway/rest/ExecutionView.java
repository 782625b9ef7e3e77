package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore.Snapshot;
import io.logicgraph.gateway.store.NodeExecutionEntity;
import io.logicgraph.model.graph.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /executions/{id}}: the execution and the state of every node of its graph version, in
 * definition order. Nodes the orchestrator has not touched yet are reported as pending.
 */
public record ExecutionView(
    UUID id,
    UUID graphId,
    int graphVersion,
    String status,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Long durationMs,
    Map<String, NodeView> nodes,
    JsonNode error) {

  /** The state of one node in this execution. */
  public record NodeView(
      String nodeType,
      String status,
      int attempts,
      Instant startedAt,
      Instant completedAt,
      Long durationMs,
      JsonNode error) {

    static NodeView of(NodeExecutionEntity row) {
      return new NodeView(
          row.nodeType,
          row.status,
          row.attempt,
          row.startedAt,
          row.completedAt,
          ExecutionView.durationMs(row.startedAt, row.completedAt),
          row.error);
    }

    static NodeView pending(String nodeType) {
      return new NodeView(nodeType, NodeStatus.PENDING.wire(), 0, null, null, null, null);
    }
  }

  static ExecutionView of(Snapshot snapshot) {
    ExecutionEntity e = snapshot.execution();
    Map<String, NodeExecutionEntity> rows = new LinkedHashMap<>();
    snapshot.nodes().forEach(row -> rows.put(row.nodeId, row));
    Map<String, NodeView> nodes = new LinkedHashMap<>();
    for (Map.Entry<String, String> node : snapshot.nodeTypes().entrySet()) {
      NodeExecutionEntity row = rows.remove(node.getKey());
      nodes.put(node.getKey(), row == null ? NodeView.pending(node.getValue()) : NodeView.of(row));
    }
    rows.forEach((nodeId, row) -> nodes.put(nodeId, NodeView.of(row)));
    return new ExecutionView(
        e.id,
        e.graphId,
        e.graphVersion,
        e.status,
        e.createdAt,
        e.startedAt,
        e.completedAt,
        durationMs(e.startedAt, e.completedAt),
        nodes,
        e.error);
  }

  static Long durationMs(Instant start, Instant end) {
    return start == null || end == null ? null : Duration.between(start, end).toMillis();
  }
}
