package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logicgraph.gateway.store.GraphEntity;
import io.logicgraph.model.graph.ValidationProblem;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Answer of {@code POST /graphs}; warnings only when validation produced some. */
public record GraphCreated(
    UUID id,
    String name,
    int version,
    Instant createdAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ValidationProblem> warnings) {

  static GraphCreated of(GraphEntity graph, List<ValidationProblem> warnings) {
    return new GraphCreated(graph.id, graph.name, graph.version, graph.createdAt, warnings);
  }
}
