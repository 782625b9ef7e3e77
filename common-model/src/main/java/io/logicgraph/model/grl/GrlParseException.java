package io.logicgraph.model.grl;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;

/** GRL text that does not parse (E003); knows the 1-based line and column. */
public class GrlParseException extends LogicGraphException {
  private final int line;
  private final int column;

  public GrlParseException(String message, int line, int column) {
    super(ErrorCode.E003, message, false, null);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
