package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle of one node in one execution. */
public enum NodeStatus {
  PENDING,
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  SKIPPED,
  CANCELLED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == SKIPPED || this == CANCELLED;
  }

  public boolean isSuccess() {
    return this == COMPLETED;
  }

  /** Queued or running: a task for it is (or should be) in a queue or on a worker. */
  public boolean isInFlight() {
    return this == QUEUED || this == RUNNING;
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static NodeStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
