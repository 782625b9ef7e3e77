package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens; columns are 1-based. */
final class Lexer {
  private final String source;
  private int pos;

  private Lexer(String source) {
    this.source = source;
  }

  static List<Token> tokenize(String source) {
    return new Lexer(source).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespace();
      if (pos >= source.length()) {
        tokens.add(new Token(TokenKind.END, "", pos + 1, null));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipWhitespace() {
    while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
      pos++;
    }
  }

  private Token next() {
    char c = source.charAt(pos);
    int start = pos;
    if (isDigit(c)) {
      return number();
    }
    if (isIdentifierStart(c)) {
      return path();
    }
    if (c == '"' || c == '\'') {
      return string(c);
    }
    char n = pos + 1 < source.length() ? source.charAt(pos + 1) : '\0';
    TokenKind kind =
        switch (c) {
          case '=' -> n == '=' ? TokenKind.EQ : null;
          case '!' -> n == '=' ? TokenKind.NE : TokenKind.NOT;
          case '<' -> n == '=' ? TokenKind.LE : TokenKind.LT;
          case '>' -> n == '=' ? TokenKind.GE : TokenKind.GT;
          case '&' -> n == '&' ? TokenKind.AND : null;
          case '|' -> n == '|' ? TokenKind.OR : null;
          case '+' -> TokenKind.PLUS;
          case '-' -> TokenKind.MINUS;
          case '*' -> TokenKind.STAR;
          case '/' -> TokenKind.SLASH;
          case '%' -> TokenKind.PERCENT;
          case '(' -> TokenKind.LPAREN;
          case ')' -> TokenKind.RPAREN;
          default -> null;
        };
    if (kind == null) {
      throw unexpectedCharacter(c, start);
    }
    pos += kind.symbol().length();
    return new Token(kind, kind.symbol(), start + 1, null);
  }

  private ExpressionException unexpectedCharacter(char c, int start) {
    String hint =
        switch (c) {
          case '=' -> "; use '==' to compare";
          case '&' -> "; use '&&'";
          case '|' -> "; use '||'";
          default -> "";
        };
    return ExpressionException.at("unexpected character '" + c + "'", start + 1, hint);
  }

  private Token number() {
    int start = pos;
    boolean decimal = false;
    digits();
    if (pos + 1 < source.length() && source.charAt(pos) == '.' && isDigit(source.charAt(pos + 1))) {
      decimal = true;
      pos++;
      digits();
    }
    if (pos < source.length() && (source.charAt(pos) == 'e' || source.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < source.length() && (source.charAt(pos) == '+' || source.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < source.length() && isDigit(source.charAt(pos))) {
        decimal = true;
        digits();
      } else {
        pos = mark;
      }
    }
    if (pos < source.length() && isIdentifierStart(source.charAt(pos))) {
      throw ExpressionException.at(
          "unexpected character '" + source.charAt(pos) + "'", pos + 1, " after a number");
    }
    String text = source.substring(start, pos);
    JsonNode value = decimal ? DoubleNode.valueOf(Double.parseDouble(text)) : integer(text);
    if (!Double.isFinite(value.asDouble())) {
      throw ExpressionException.at("number " + text + " out of range", start + 1, "");
    }
    return new Token(TokenKind.NUMBER, text, start + 1, value);
  }

  private static JsonNode integer(String text) {
    try {
      return Values.number(Long.parseLong(text));
    } catch (NumberFormatException tooLarge) {
      return DoubleNode.valueOf(Double.parseDouble(text));
    }
  }

  private void digits() {
    while (pos < source.length() && isDigit(source.charAt(pos))) {
      pos++;
    }
  }

  private Token path() {
    int start = pos;
    segment();
    while (pos + 1 < source.length()
        && source.charAt(pos) == '.'
        && isIdentifierPart(source.charAt(pos + 1))) {
      pos++;
      segment();
    }
    String text = source.substring(start, pos);
    TokenKind kind =
        switch (text) {
          case "true" -> TokenKind.TRUE;
          case "false" -> TokenKind.FALSE;
          case "null" -> TokenKind.NULL;
          default -> TokenKind.PATH;
        };
    return new Token(kind, text, start + 1, null);
  }

  private void segment() {
    while (pos < source.length() && isIdentifierPart(source.charAt(pos))) {
      pos++;
    }
  }

  private Token string(char quote) {
    int start = pos;
    pos++;
    StringBuilder value = new StringBuilder();
    while (pos < source.length()) {
      char c = source.charAt(pos);
      if (c == quote) {
        pos++;
        return new Token(
            TokenKind.STRING,
            source.substring(start, pos),
            start + 1,
            TextNode.valueOf(value.toString()));
      }
      if (c == '\\') {
        value.append(escape());
      } else {
        value.append(c);
        pos++;
      }
    }
    throw ExpressionException.at("unterminated string starting", start + 1, "");
  }

  private char escape() {
    int start = pos;
    if (pos + 1 >= source.length()) {
      throw ExpressionException.at("unterminated escape", start + 1, "");
    }
    char c = source.charAt(pos + 1);
    pos += 2;
    return switch (c) {
      case '"', '\'', '\\', '/' -> c;
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'u' -> unicodeEscape(start);
      default -> throw ExpressionException.at("invalid escape '\\" + c + "'", start + 1, "");
    };
  }

  private char unicodeEscape(int start) {
    if (pos + 4 > source.length()) {
      throw ExpressionException.at("invalid unicode escape", start + 1, "");
    }
    try {
      char c = (char) Integer.parseInt(source.substring(pos, pos + 4), 16);
      pos += 4;
      return c;
    } catch (NumberFormatException e) {
      throw ExpressionException.at("invalid unicode escape", start + 1, "");
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }
}
