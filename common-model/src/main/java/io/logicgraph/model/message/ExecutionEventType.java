package io.logicgraph.model.message;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Kinds of live progress events of an execution (see {@link ExecutionEvents}). */
public enum ExecutionEventType {
  EXECUTION_STARTED,
  NODE_QUEUED,
  NODE_STARTED,
  NODE_COMPLETED,
  NODE_FAILED,
  NODE_RETRYING,
  NODE_SKIPPED,
  NODE_CANCELLED,
  NODE_CACHED,
  EXECUTION_CANCEL_REQUESTED,
  EXECUTION_RETRIED,
  EXECUTION_FINISHED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The last event of a stream: readers stop after it (until a retry starts a new run). */
  public boolean isFinal() {
    return this == EXECUTION_FINISHED;
  }
}
