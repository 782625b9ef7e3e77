package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.error.NodeError;
import java.time.Instant;

/**
 * One element of a fan-out node ({@code over}): its index in the array, its status (pending,
 * queued, completed, failed, cancelled), the node attempt number of its current try, how many tries
 * it had, and its result.
 */
public record FanOutItem(
    int index,
    String status,
    Integer attempt,
    int tries,
    JsonNode result,
    NodeError error,
    Instant queuedAt,
    Instant dispatchedAt,
    Instant deadlineAt,
    Instant notBefore) {

  /** A pending item whose retry backoff has not ended yet at {@code now}. */
  public boolean waitingAt(Instant now) {
    return "pending".equals(status) && notBefore != null && notBefore.isAfter(now);
  }
}
