package io.logicgraph.model.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an {@link ExecutionRequest} asks the orchestrator to do. */
public enum ExecutionCommand {
  /** Start a pending execution. */
  START,
  /** Cancel: nothing new is dispatched, running nodes finish, the rest is cancelled. */
  CANCEL,
  /** Re-run the failed, cancelled and skipped-by-failure nodes, reusing completed outputs. */
  RETRY;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ExecutionCommand fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
