package io.logicgraph.model.message;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/**
 * Gateway to orchestrator: act on an execution whose row is already stored — start it, cancel it or
 * re-run its failed part. The execution's input, graph version and the request itself (for cancel
 * and retry: {@code cancel_requested_at} / {@code retry_requested_at}) are read from PostgreSQL, so
 * the message stays small, a duplicate changes nothing, and a lost message only delays the request
 * until the orchestrator's reconciler finds it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecutionRequest(
    int schemaVersion,
    UUID executionId,
    UUID graphId,
    int graphVersion,
    String tenantId,
    Instant requestedAt,
    ExecutionCommand command) {

  public static final int SCHEMA_VERSION = 1;

  /** A start request. */
  public static ExecutionRequest of(
      UUID executionId, UUID graphId, int graphVersion, String tenantId) {
    return of(executionId, graphId, graphVersion, tenantId, ExecutionCommand.START);
  }

  public static ExecutionRequest of(
      UUID executionId, UUID graphId, int graphVersion, String tenantId, ExecutionCommand command) {
    return new ExecutionRequest(
        SCHEMA_VERSION, executionId, graphId, graphVersion, tenantId, Instant.now(), command);
  }

  /** The command; requests from senders that predate commands are starts. */
  public ExecutionCommand commandOrStart() {
    return command == null ? ExecutionCommand.START : command;
  }
}
