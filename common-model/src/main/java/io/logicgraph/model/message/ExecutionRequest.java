package io.logicgraph.model.message;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/**
 * Gateway to orchestrator: start (or resume) an execution whose row is already stored. The
 * execution's input context and graph version are read from PostgreSQL, so the message stays small
 * and a duplicate changes nothing.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecutionRequest(
    int schemaVersion,
    UUID executionId,
    UUID graphId,
    int graphVersion,
    String tenantId,
    Instant requestedAt) {

  public static final int SCHEMA_VERSION = 1;

  public static ExecutionRequest of(
      UUID executionId, UUID graphId, int graphVersion, String tenantId) {
    return new ExecutionRequest(
        SCHEMA_VERSION, executionId, graphId, graphVersion, tenantId, Instant.now());
  }
}
