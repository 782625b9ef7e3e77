package io.logicgraph.model.graph;

/**
 * Reads a graph document (JSON or YAML, including the rust-logic-graph short form, {@code
 * dependencies}, {@code type}/{@code rule} aliases) and validates it completely.
 */
public final class GraphLoader {
  private GraphLoader() {}

  /** Parses and validates; never throws for bad input, every problem is in the report. */
  public static ValidationReport load(String text, GraphFormat format, GraphLimits limits) {
    throw new UnsupportedOperationException("being written");
  }

  /** Re-validates an already normalized definition (e.g. one read back from storage). */
  public static ValidationReport validate(GraphDefinition graph, GraphLimits limits) {
    throw new UnsupportedOperationException("being written");
  }
}
