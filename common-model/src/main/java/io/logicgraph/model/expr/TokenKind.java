package io.logicgraph.model.expr;

/** Lexical categories of the expression language. */
enum TokenKind {
  NUMBER,
  STRING,
  PATH,
  TRUE,
  FALSE,
  NULL,
  EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  AND("&&"),
  OR("||"),
  NOT("!"),
  PLUS("+"),
  MINUS("-"),
  STAR("*"),
  SLASH("/"),
  PERCENT("%"),
  LPAREN("("),
  RPAREN(")"),
  END;

  private final String symbol;

  TokenKind() {
    this(null);
  }

  TokenKind(String symbol) {
    this.symbol = symbol;
  }

  String symbol() {
    return symbol;
  }
}
