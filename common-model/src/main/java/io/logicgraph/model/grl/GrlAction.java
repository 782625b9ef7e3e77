package io.logicgraph.model.grl;

import io.logicgraph.model.expr.Expression;
import java.util.List;

/** One action of a rule's {@code then} part. */
public sealed interface GrlAction {

  /** {@code fact = expression;}: sets a top-level fact. */
  record Assign(String fact, Expression value, int line) implements GrlAction {}

  /** {@code Log("text", expression, ...);}: the values, as text, joined into one log line. */
  record Log(List<Expression> arguments, int line) implements GrlAction {
    public Log {
      arguments = List.copyOf(arguments);
    }
  }
}
