package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.store.GraphEntity;
import java.time.Instant;
import java.util.UUID;

/** One item of {@code GET /graphs}. */
public record GraphSummary(
    UUID id, String name, String description, int version, Instant createdAt, Instant updatedAt) {

  static GraphSummary of(GraphEntity graph) {
    return new GraphSummary(
        graph.id, graph.name, graph.description, graph.version, graph.createdAt, graph.updatedAt);
  }
}
