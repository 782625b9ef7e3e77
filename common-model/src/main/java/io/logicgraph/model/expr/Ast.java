package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.logicgraph.model.context.ContextPath;
import java.util.Set;

/** The syntax tree of an expression; each node evaluates itself. Immutable. */
sealed interface Ast {

  JsonNode evaluate(JsonNode context, MissingPaths missing);

  void collectPaths(Set<String> into);

  /** A number, string, boolean or null literal. */
  record Literal(JsonNode value) implements Ast {
    @Override
    public JsonNode evaluate(JsonNode context, MissingPaths missing) {
      return value;
    }

    @Override
    public void collectPaths(Set<String> into) {}
  }

  /** A context path such as {@code order.items.0.price}. */
  record PathRef(String path) implements Ast {
    @Override
    public JsonNode evaluate(JsonNode context, MissingPaths missing) {
      JsonNode value = ContextPath.resolve(context, path);
      if (value.isMissingNode() && missing == MissingPaths.AS_NULL) {
        return NullNode.getInstance();
      }
      return value;
    }

    @Override
    public void collectPaths(Set<String> into) {
      into.add(path);
    }
  }

  /** {@code !x} or {@code -x}. */
  record Unary(TokenKind op, Ast operand, int column) implements Ast {
    @Override
    public JsonNode evaluate(JsonNode context, MissingPaths missing) {
      JsonNode value = operand.evaluate(context, missing);
      if (op == TokenKind.MINUS) {
        return Values.negate(value, column);
      }
      return Values.isUnknown(value) ? value : Values.bool(!Values.truthy(value));
    }

    @Override
    public void collectPaths(Set<String> into) {
      operand.collectPaths(into);
    }
  }

  /** Comparison or arithmetic; both sides are evaluated. */
  record Binary(TokenKind op, Ast left, Ast right, int column) implements Ast {
    @Override
    public JsonNode evaluate(JsonNode context, MissingPaths missing) {
      JsonNode a = left.evaluate(context, missing);
      JsonNode b = right.evaluate(context, missing);
      return switch (op) {
        case EQ, NE -> {
          if (Values.isUnknown(a) || Values.isUnknown(b)) {
            yield Values.bool(false);
          }
          yield Values.bool(Values.equal(a, b) == (op == TokenKind.EQ));
        }
        case LT, LE, GT, GE ->
            Values.bool(!Values.isUnknown(a) && !Values.isUnknown(b) && Values.ordered(op, a, b));
        default -> Values.arithmetic(op, a, b, column);
      };
    }

    @Override
    public void collectPaths(Set<String> into) {
      left.collectPaths(into);
      right.collectPaths(into);
    }
  }

  /** {@code &&} and {@code ||}: short-circuit, always a boolean. */
  record Logical(TokenKind op, Ast left, Ast right) implements Ast {
    @Override
    public JsonNode evaluate(JsonNode context, MissingPaths missing) {
      boolean a = Values.truthy(left.evaluate(context, missing));
      if (op == TokenKind.AND ? !a : a) {
        return Values.bool(a);
      }
      return Values.bool(Values.truthy(right.evaluate(context, missing)));
    }

    @Override
    public void collectPaths(Set<String> into) {
      left.collectPaths(into);
      right.collectPaths(into);
    }
  }
}
