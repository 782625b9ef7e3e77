package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One token: its kind, the source text, its 1-based column, and the literal value of numbers and
 * strings.
 */
record Token(TokenKind kind, String text, int column, JsonNode literal) {

  /** How the token is named in an error message. */
  String describe() {
    return kind == TokenKind.END ? "end of input" : "'" + text + "'";
  }
}
