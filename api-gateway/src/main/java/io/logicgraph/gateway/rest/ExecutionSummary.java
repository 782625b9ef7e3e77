package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.store.ExecutionEntity;
import java.time.Instant;
import java.util.UUID;

/** One item of {@code GET /graphs/{id}/executions}. */
public record ExecutionSummary(
    UUID id,
    int graphVersion,
    String status,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Long durationMs) {

  static ExecutionSummary of(ExecutionEntity e) {
    return new ExecutionSummary(
        e.id,
        e.graphVersion,
        e.status,
        e.createdAt,
        e.startedAt,
        e.completedAt,
        ExecutionView.durationMs(e.startedAt, e.completedAt));
  }
}
