package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a node's final failure does to its execution. */
public enum OnError {
  /** The execution fails; nothing new is dispatched; running nodes finish. */
  FAIL,
  /** rust-logic-graph behaviour: the node's result is null and downstream runs. */
  CONTINUE;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static OnError fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
