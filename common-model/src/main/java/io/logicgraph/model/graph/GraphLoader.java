package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Reads a graph document (JSON or YAML, including the rust-logic-graph short form, {@code
 * dependencies}, {@code type}/{@code rule} aliases) and validates it completely.
 */
public final class GraphLoader {
  private GraphLoader() {}

  /** Parses and validates; never throws for bad input, every problem is in the report. */
  public static ValidationReport load(String text, GraphFormat format, GraphLimits limits) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(limits, "limits");
    Problems problems = new Problems();
    JsonNode document = DocumentParser.parse(text, format, problems);
    if (document == null) {
      return problems.report(null, null);
    }
    return new GraphReader(limits, problems).read(document);
  }

  /** Re-validates an already normalized definition (e.g. one read back from storage). */
  public static ValidationReport validate(GraphDefinition graph, GraphLimits limits) {
    Objects.requireNonNull(limits, "limits");
    Problems problems = new Problems();
    if (graph == null) {
      problems.error("", "no graph definition");
      return problems.report(null, null);
    }
    JsonNode document = NormalizedForm.toDocument(graph, problems);
    return new GraphReader(limits, problems).read(document);
  }
}
