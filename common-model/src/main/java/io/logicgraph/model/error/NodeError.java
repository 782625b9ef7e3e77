package io.logicgraph.model.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An error as carried on the wire and stored in history: code, message, node, retryability, hint.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeError(
    ErrorCode code, String message, String nodeId, boolean retryable, String hint) {

  public static NodeError permanent(ErrorCode code, String nodeId, String message, String hint) {
    return new NodeError(code, message, nodeId, false, hint);
  }

  public static NodeError retryable(ErrorCode code, String nodeId, String message, String hint) {
    return new NodeError(code, message, nodeId, true, hint);
  }
}
