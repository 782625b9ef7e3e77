package io.logicgraph.model.expr;

import java.util.List;

/**
 * Recursive descent, lowest precedence first: {@code ||}, {@code &&}, {@code == !=}, {@code < <= >
 * >=}, {@code + -}, {@code * / %}, unary {@code ! -}, then literals, paths and parentheses. Binary
 * operators associate to the left.
 */
final class Parser {
  /** Deepest nesting of parentheses and unary operators: a bound on recursion. */
  static final int MAX_DEPTH = 100;

  private final List<Token> tokens;
  private int index;
  private int depth;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Ast parse(String source) {
    Parser parser = new Parser(Lexer.tokenize(source));
    Ast ast = parser.or();
    Token rest = parser.peek();
    if (rest.kind() != TokenKind.END) {
      throw unexpected(rest, "an operator or end of input");
    }
    return ast;
  }

  private Ast or() {
    Ast left = and();
    while (peek().kind() == TokenKind.OR) {
      advance();
      left = new Ast.Logical(TokenKind.OR, left, and());
    }
    return left;
  }

  private Ast and() {
    Ast left = equality();
    while (peek().kind() == TokenKind.AND) {
      advance();
      left = new Ast.Logical(TokenKind.AND, left, equality());
    }
    return left;
  }

  private Ast equality() {
    Ast left = comparison();
    while (peek().kind() == TokenKind.EQ || peek().kind() == TokenKind.NE) {
      Token op = advance();
      left = new Ast.Binary(op.kind(), left, comparison(), op.column());
    }
    return left;
  }

  private Ast comparison() {
    Ast left = additive();
    while (switch (peek().kind()) {
      case LT, LE, GT, GE -> true;
      default -> false;
    }) {
      Token op = advance();
      left = new Ast.Binary(op.kind(), left, additive(), op.column());
    }
    return left;
  }

  private Ast additive() {
    Ast left = multiplicative();
    while (peek().kind() == TokenKind.PLUS || peek().kind() == TokenKind.MINUS) {
      Token op = advance();
      left = new Ast.Binary(op.kind(), left, multiplicative(), op.column());
    }
    return left;
  }

  private Ast multiplicative() {
    Ast left = unary();
    while (switch (peek().kind()) {
      case STAR, SLASH, PERCENT -> true;
      default -> false;
    }) {
      Token op = advance();
      left = new Ast.Binary(op.kind(), left, unary(), op.column());
    }
    return left;
  }

  private Ast unary() {
    Token token = peek();
    if (token.kind() == TokenKind.NOT || token.kind() == TokenKind.MINUS) {
      advance();
      enter(token);
      Ast operand = unary();
      depth--;
      return new Ast.Unary(token.kind(), operand, token.column());
    }
    return primary();
  }

  private Ast primary() {
    Token token = advance();
    return switch (token.kind()) {
      case NUMBER, STRING -> new Ast.Literal(token.literal());
      case TRUE -> new Ast.Literal(Values.bool(true));
      case FALSE -> new Ast.Literal(Values.bool(false));
      case NULL -> new Ast.Literal(com.fasterxml.jackson.databind.node.NullNode.getInstance());
      case PATH -> new Ast.PathRef(token.text());
      case LPAREN -> {
        enter(token);
        Ast inner = or();
        Token close = advance();
        if (close.kind() != TokenKind.RPAREN) {
          throw unexpected(close, "')'");
        }
        depth--;
        yield inner;
      }
      default -> throw unexpected(token, "an operand");
    };
  }

  private void enter(Token token) {
    if (++depth > MAX_DEPTH) {
      throw ExpressionException.at(
          "expression nested deeper than " + MAX_DEPTH + " levels", token.column(), "");
    }
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token advance() {
    Token token = tokens.get(index);
    if (token.kind() != TokenKind.END) {
      index++;
    }
    return token;
  }

  private static ExpressionException unexpected(Token token, String expected) {
    return ExpressionException.at(
        "unexpected " + token.describe(), token.column(), "; expected " + expected);
  }
}
