package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A parsed expression of the format (RuleNode {@code condition}, edge {@code condition}): literals,
 * context paths, comparison, logic, arithmetic, parentheses. Immutable and thread-safe.
 */
public final class Expression {
  private Expression() {}

  /**
   * Parses {@code source}.
   *
   * @throws ExpressionException naming the column and what was expected
   */
  public static Expression parse(String source) {
    throw new UnsupportedOperationException("being written");
  }

  /** The value of the expression against a context (a missing path is JSON null). */
  public JsonNode evaluate(JsonNode context) {
    throw new UnsupportedOperationException("being written");
  }

  /** The truthiness of {@link #evaluate}: false, null, 0, "" and empty containers are false. */
  public boolean test(JsonNode context) {
    throw new UnsupportedOperationException("being written");
  }

  /** Context paths the expression reads. */
  public Set<String> paths() {
    throw new UnsupportedOperationException("being written");
  }

  public String source() {
    throw new UnsupportedOperationException("being written");
  }
}
