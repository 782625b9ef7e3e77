package io.logicgraph.model.expr;

/** How an expression treats a context path that is absent. */
public enum MissingPaths {
  /** An absent path reads as JSON null (the format's conditions: {@code x == null} is true). */
  AS_NULL,
  /**
   * An absent path is unknown (GRL facts): any comparison reading it is false, arithmetic on it
   * stays unknown, and an unknown value is not truthy. {@link Expression#evaluate(
   * com.fasterxml.jackson.databind.JsonNode, MissingPaths)} returns a missing node for it.
   */
  UNKNOWN
}
