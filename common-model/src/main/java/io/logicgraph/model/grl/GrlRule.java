package io.logicgraph.model.grl;

import io.logicgraph.model.expr.Expression;
import java.util.List;

/**
 * One rule: {@code rule "Name" salience N [no-loop] { when condition then actions }}; {@code line}
 * is where it starts in the rule text.
 */
public record GrlRule(
    String name,
    int salience,
    boolean noLoop,
    Expression condition,
    List<GrlAction> actions,
    int line) {

  public GrlRule {
    actions = List.copyOf(actions);
  }
}
