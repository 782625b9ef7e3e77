package io.logicgraph.model.message;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.NodeDefinition;
import java.time.Instant;
import java.util.UUID;

/**
 * Orchestrator to worker: run one attempt of one node. {@code context} is the execution context as
 * this node sees it (the execution input plus the outputs of its ancestors). Workers echo {@code
 * executionId}, {@code nodeId} and {@code attempt} in their {@link NodeResult}; the orchestrator
 * accepts a result only for the current attempt.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeTask(
    int schemaVersion,
    UUID executionId,
    String nodeId,
    int attempt,
    NodeDefinition node,
    ObjectNode context,
    Instant deadline,
    Instant dispatchedAt) {

  public static final int SCHEMA_VERSION = 1;
}
