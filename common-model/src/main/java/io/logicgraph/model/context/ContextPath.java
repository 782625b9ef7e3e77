package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.JsonNode;

/** Paths such as {@code a.b.0.c} that walk objects and arrays of the execution context. */
public final class ContextPath {
  private ContextPath() {}

  /** The value at {@code path}, or JSON null (never Java null) when any step is missing. */
  public static JsonNode get(JsonNode root, String path) {
    throw new UnsupportedOperationException("being written");
  }
}
