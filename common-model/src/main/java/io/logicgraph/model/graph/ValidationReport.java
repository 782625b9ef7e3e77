package io.logicgraph.model.graph;

import java.util.List;

/**
 * Everything validation found in a document: all errors (not only the first), warnings, and the
 * topological layers when the graph is valid. {@code graph} is null when there are errors.
 */
public record ValidationReport(
    GraphDefinition graph,
    List<ValidationProblem> errors,
    List<ValidationProblem> warnings,
    List<List<String>> layers) {

  public boolean isValid() {
    return errors.isEmpty();
  }
}
