package io.logicgraph.model.expr;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;

/** An expression that does not parse or cannot be evaluated; knows the 1-based column. */
public class ExpressionException extends LogicGraphException {
  private final int column;
  private final String beforePosition;
  private final String afterPosition;

  public ExpressionException(String message, int column) {
    super(ErrorCode.E003, message, false, null);
    this.column = column;
    this.beforePosition = null;
    this.afterPosition = null;
  }

  private ExpressionException(String before, int column, String after) {
    super(ErrorCode.E003, before + " at column " + column + after, false, null);
    this.column = column;
    this.beforePosition = before;
    this.afterPosition = after;
  }

  /**
   * An error whose message reads {@code before + " at column N" + after}, e.g. {@code unexpected
   * ')'} and {@code ; expected an operand}.
   */
  static ExpressionException at(String before, int column, String after) {
    return new ExpressionException(before, column, after);
  }

  public int column() {
    return column;
  }

  /**
   * The message with the position described by {@code location} instead of the column, for an
   * expression embedded in a larger text (e.g. {@code "line 4, column 9"} in a GRL file).
   */
  public String messageAt(String location) {
    if (beforePosition == null) {
      return getMessage() + " (at " + location + ")";
    }
    return beforePosition + " at " + location + afterPosition;
  }
}
