package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A dependency {@code from -> to}, taken only when its condition (if any) is true. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EdgeDefinition(String from, String to, String condition) {

  @JsonIgnore
  public boolean isConditional() {
    return condition != null && !condition.isBlank();
  }
}
