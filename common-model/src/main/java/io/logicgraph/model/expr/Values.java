package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.logicgraph.model.context.Template;
import java.util.Comparator;

/** What the operators of the expression language mean on JSON values. */
final class Values {
  /** Longest string concatenation may build: rules must not be able to exhaust memory. */
  static final int MAX_STRING_LENGTH = 1_000_000;

  private static final Comparator<JsonNode> SCALAR_EQUALITY =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return compareNumbers(a, b);
        }
        return a.equals(b) ? 0 : 1;
      };

  private Values() {}

  static JsonNode number(long value) {
    return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
  }

  static JsonNode bool(boolean value) {
    return BooleanNode.valueOf(value);
  }

  static boolean isUnknown(JsonNode value) {
    return value.isMissingNode();
  }

  /** false, null, unknown, 0, "" and empty containers are false; everything else is true. */
  static boolean truthy(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      double d = value.doubleValue();
      return d != 0.0 && !Double.isNaN(d);
    }
    if (value.isTextual()) {
      return !value.textValue().isEmpty();
    }
    if (value.isContainerNode()) {
      return value.size() > 0;
    }
    return true;
  }

  /** {@code ==}: numbers by value (1 == 1.0), other values of the same type structurally. */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return compareNumbers(a, b) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    return a.equals(SCALAR_EQUALITY, b);
  }

  /**
   * {@code < <= > >=}: numbers numerically, strings lexicographically; any other pair (including
   * null) does not compare, and the comparison is false.
   */
  static boolean ordered(TokenKind op, JsonNode a, JsonNode b) {
    int c;
    if (a.isNumber() && b.isNumber()) {
      c = compareNumbers(a, b);
    } else if (a.isTextual() && b.isTextual()) {
      c = a.textValue().compareTo(b.textValue());
    } else {
      return false;
    }
    return switch (op) {
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      default -> throw new IllegalArgumentException("not an ordering operator: " + op);
    };
  }

  private static boolean isLong(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong();
  }

  static int compareNumbers(JsonNode a, JsonNode b) {
    if (isLong(a) && isLong(b)) {
      return Long.compare(a.longValue(), b.longValue());
    }
    double x = a.doubleValue();
    double y = b.doubleValue();
    return x == y ? 0 : Double.compare(x, y);
  }

  static JsonNode negate(JsonNode value, int column) {
    if (isUnknown(value)) {
      return value;
    }
    if (!value.isNumber()) {
      throw ExpressionException.at(
          "operator '-'", column, " needs a number, got " + describe(value));
    }
    if (isLong(value) && value.longValue() != Long.MIN_VALUE) {
      return number(-value.longValue());
    }
    return DoubleNode.valueOf(-value.doubleValue());
  }

  static JsonNode arithmetic(TokenKind op, JsonNode a, JsonNode b, int column) {
    if (isUnknown(a) || isUnknown(b)) {
      return MissingNode.getInstance();
    }
    if (op == TokenKind.PLUS && (a.isTextual() || b.isTextual())) {
      return concatenate(a, b, column);
    }
    if (!a.isNumber() || !b.isNumber()) {
      throw ExpressionException.at(
          "operator '" + op.symbol() + "'",
          column,
          " needs numbers"
              + (op == TokenKind.PLUS ? " or a string" : "")
              + ", got "
              + describe(a)
              + " and "
              + describe(b));
    }
    if ((op == TokenKind.SLASH || op == TokenKind.PERCENT) && a.isNumber() && isZero(b)) {
      throw ExpressionException.at(
          (op == TokenKind.SLASH ? "division" : "modulo") + " by zero", column, "");
    }
    if (isLong(a) && isLong(b)) {
      JsonNode exact = longArithmetic(op, a.longValue(), b.longValue());
      if (exact != null) {
        return exact;
      }
    }
    double x = a.doubleValue();
    double y = b.doubleValue();
    double result =
        switch (op) {
          case PLUS -> x + y;
          case MINUS -> x - y;
          case STAR -> x * y;
          case SLASH -> x / y;
          case PERCENT -> x % y;
          default -> throw new IllegalArgumentException("not arithmetic: " + op);
        };
    if (!Double.isFinite(result)) {
      throw ExpressionException.at(
          "operator '" + op.symbol() + "'", column, " overflows the range of numbers");
    }
    return DoubleNode.valueOf(result);
  }

  /** Exact integer arithmetic, or null when the result is not an integer or overflows. */
  private static JsonNode longArithmetic(TokenKind op, long x, long y) {
    try {
      return switch (op) {
        case PLUS -> number(Math.addExact(x, y));
        case MINUS -> number(Math.subtractExact(x, y));
        case STAR -> number(Math.multiplyExact(x, y));
        case SLASH -> x % y == 0 && !(x == Long.MIN_VALUE && y == -1) ? number(x / y) : null;
        case PERCENT -> number(x % y);
        default -> throw new IllegalArgumentException("not arithmetic: " + op);
      };
    } catch (ArithmeticException overflow) {
      return null;
    }
  }

  private static boolean isZero(JsonNode n) {
    return n.doubleValue() == 0.0;
  }

  private static JsonNode concatenate(JsonNode a, JsonNode b, int column) {
    String left = Template.toText(a);
    String right = Template.toText(b);
    if ((long) left.length() + right.length() > MAX_STRING_LENGTH) {
      throw ExpressionException.at(
          "operator '+'", column, " would build a string longer than " + MAX_STRING_LENGTH);
    }
    return TextNode.valueOf(left + right);
  }

  /** A value's type, and the value itself when it is short, for error messages. */
  static String describe(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    String type =
        switch (value.getNodeType()) {
          case BOOLEAN -> "boolean";
          case NUMBER -> "number";
          case STRING -> "string";
          case ARRAY -> "array";
          case OBJECT -> "object";
          default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    if (value.isValueNode()) {
      String text = value.toString();
      return text.length() <= 40 ? type + " " + text : type;
    }
    return type;
  }
}
