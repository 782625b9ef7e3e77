package io.logicgraph.model.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.NodeError;
import java.time.Instant;
import java.util.UUID;

/**
 * Worker to orchestrator: the outcome of one attempt. {@code output} holds the top-level context
 * keys the node writes ({@code X_result}, {@code X_count}, {@code X_content}, facts assigned by
 * GRL); {@code error} is set when the outcome is {@code failed}. Timestamps are taken by the worker
 * when the attempt starts and ends.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeResult(
    int schemaVersion,
    UUID executionId,
    String nodeId,
    int attempt,
    NodeOutcome outcome,
    ObjectNode output,
    NodeError error,
    Instant startedAt,
    Instant completedAt,
    String workerId) {

  public static final int SCHEMA_VERSION = 1;

  public static NodeResult succeeded(
      NodeTask task, ObjectNode output, Instant startedAt, Instant completedAt, String workerId) {
    return new NodeResult(
        SCHEMA_VERSION,
        task.executionId(),
        task.nodeId(),
        task.attempt(),
        NodeOutcome.SUCCEEDED,
        output,
        null,
        startedAt,
        completedAt,
        workerId);
  }

  public static NodeResult failed(
      NodeTask task, NodeError error, Instant startedAt, Instant completedAt, String workerId) {
    return new NodeResult(
        SCHEMA_VERSION,
        task.executionId(),
        task.nodeId(),
        task.attempt(),
        NodeOutcome.FAILED,
        null,
        error,
        startedAt,
        completedAt,
        workerId);
  }
}
