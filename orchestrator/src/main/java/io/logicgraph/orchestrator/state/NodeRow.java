package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.orchestrator.engine.NodeState;
import java.time.Instant;

/**
 * The stored state of one node of one execution. {@code output} is filled lazily (from Redis, else
 * PostgreSQL) only when a step needs it; {@code hasOutput} says whether one is stored.
 */
public record NodeRow(
    String nodeId,
    NodeStatus status,
    int attempt,
    ObjectNode output,
    boolean hasOutput,
    NodeError error,
    Instant queuedAt,
    Instant dispatchedAt,
    Instant deadlineAt,
    Instant notBefore) {

  public NodeRow withOutput(ObjectNode value) {
    return new NodeRow(
        nodeId,
        status,
        attempt,
        value,
        value != null,
        error,
        queuedAt,
        dispatchedAt,
        deadlineAt,
        notBefore);
  }

  public NodeRow withDispatchedAt(Instant at) {
    return new NodeRow(
        nodeId, status, attempt, output, hasOutput, error, queuedAt, at, deadlineAt, notBefore);
  }

  public NodeState toState() {
    return new NodeState(nodeId, status, attempt, output, error);
  }
}
