package io.logicgraph.orchestrator.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.ExecutionStatus;
import java.util.List;

/**
 * The next step of an execution: nodes to queue now, nodes to skip or cancel, and the execution's
 * new terminal status when it ends with this step (null while it goes on).
 */
public record Plan(
    List<String> toQueue,
    List<String> toSkip,
    List<String> toCancel,
    ExecutionStatus terminalStatus,
    NodeError error,
    ObjectNode finalContext) {

  public static Plan nothing() {
    return new Plan(List.of(), List.of(), List.of(), null, null, null);
  }

  public boolean isTerminal() {
    return terminalStatus != null;
  }
}
