package io.logicgraph.gateway.rest;

import io.logicgraph.model.graph.ValidationProblem;
import io.logicgraph.model.graph.ValidationReport;
import java.util.List;

/** Answer of {@code POST /graphs/validate}. */
public record ValidationResult(
    boolean valid,
    List<ValidationProblem> errors,
    List<ValidationProblem> warnings,
    List<List<String>> layers) {

  static ValidationResult of(ValidationReport report) {
    return new ValidationResult(
        report.isValid(),
        report.errors(),
        report.warnings(),
        report.isValid() ? report.layers() : List.of());
  }

  static ValidationResult malformed(ValidationProblem syntax) {
    return new ValidationResult(false, List.of(syntax), List.of(), List.of());
  }
}
