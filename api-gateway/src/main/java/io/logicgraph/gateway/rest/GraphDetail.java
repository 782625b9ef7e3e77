package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.store.GraphEntity;
import io.logicgraph.model.graph.ValidationProblem;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /graphs/{id}} and the answer of {@code PUT}: metadata plus the normalized definition
 * of the current version; warnings only when validation produced some.
 */
public record GraphDetail(
    UUID id,
    String name,
    String description,
    int version,
    Instant createdAt,
    Instant updatedAt,
    JsonNode definition,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ValidationProblem> warnings) {

  static GraphDetail of(GraphEntity graph, List<ValidationProblem> warnings) {
    return new GraphDetail(
        graph.id,
        graph.name,
        graph.description,
        graph.version,
        graph.createdAt,
        graph.updatedAt,
        graph.definition,
        warnings);
  }
}
