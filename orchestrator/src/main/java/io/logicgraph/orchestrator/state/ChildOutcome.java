package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.ExecutionStatus;
import java.time.Instant;
import java.util.UUID;

/** A finished child execution whose outcome its parent's SubgraphNode attempt waits for. */
public record ChildOutcome(
    UUID childId,
    String nodeId,
    int attempt,
    ExecutionStatus status,
    JsonNode context,
    NodeError error,
    Instant startedAt,
    Instant completedAt) {}
