package io.logicgraph.model.graph;

import java.util.ArrayList;
import java.util.List;

/** Errors and warnings found while validating one document, in the order they were found. */
final class Problems {
  private final List<ValidationProblem> errors = new ArrayList<>();
  private final List<ValidationProblem> warnings = new ArrayList<>();

  void error(String path, String message) {
    errors.add(new ValidationProblem(path, message));
  }

  void warning(String path, String message) {
    warnings.add(new ValidationProblem(path, message));
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  ValidationReport report(GraphDefinition graph, List<List<String>> layers) {
    if (hasErrors()) {
      return new ValidationReport(null, List.copyOf(errors), List.copyOf(warnings), List.of());
    }
    return new ValidationReport(graph, List.of(), List.copyOf(warnings), layers);
  }
}
