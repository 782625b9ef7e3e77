package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Per-node retry policy, owned by the orchestrator. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryPolicy(int maxAttempts, long backoffMs, double multiplier, long maxBackoffMs) {

  /** One attempt, no retry. */
  public static final RetryPolicy NONE = new RetryPolicy(1, 0, 1.0, 0);
}
