package io.logicgraph.model.expr;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;

/** An expression that does not parse or cannot be evaluated; knows the 1-based column. */
public class ExpressionException extends LogicGraphException {
  private final int column;

  public ExpressionException(String message, int column) {
    super(ErrorCode.E003, message, false, null);
    this.column = column;
  }

  public int column() {
    return column;
  }
}
