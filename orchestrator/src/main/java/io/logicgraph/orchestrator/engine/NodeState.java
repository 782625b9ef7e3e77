package io.logicgraph.orchestrator.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.NodeStatus;

/**
 * What the planner needs to know about one node of one execution: its status, current attempt and
 * the context keys it wrote (null until it completed).
 */
public record NodeState(
    String nodeId, NodeStatus status, int attempt, ObjectNode output, NodeError error) {

  public NodeState withStatus(NodeStatus next) {
    return new NodeState(nodeId, next, attempt, output, error);
  }
}
