package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.orchestrator.engine.NodeState;
import java.time.Instant;

/** The stored state of one node of one execution. */
public record NodeRow(
    String nodeId,
    NodeStatus status,
    int attempt,
    ObjectNode output,
    NodeError error,
    Instant queuedAt,
    Instant dispatchedAt,
    Instant deadlineAt) {

  public NodeState toState() {
    return new NodeState(nodeId, status, attempt, output, error);
  }
}
