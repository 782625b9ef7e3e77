package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.ExecutionStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * An execution as the orchestrator reads it, locked, at the start of a step. A child execution
 * (started by a SubgraphNode) names its parent execution, the node and the node's attempt. {@code
 * updatedAt} is when a step last recorded progress (kept to within a second, see Advancer).
 */
public record ExecutionRow(
    UUID id,
    String tenantId,
    UUID graphId,
    int graphVersion,
    ExecutionStatus status,
    ObjectNode input,
    Instant createdAt,
    Instant deadlineAt,
    Instant cancelRequestedAt,
    Instant retryRequestedAt,
    Instant now,
    UUID parentExecutionId,
    String parentNodeId,
    Integer parentAttempt,
    int depth,
    Instant updatedAt) {

  /** A cancel was asked for and the execution is not over yet. */
  public boolean cancelPending() {
    return cancelRequestedAt != null && !status.isTerminal();
  }

  /** A re-run was asked for and the execution is in a state that allows one. */
  public boolean retryPending() {
    return retryRequestedAt != null
        && (status == ExecutionStatus.FAILED || status == ExecutionStatus.CANCELLED);
  }
}
