package io.logicgraph.model.grl;

import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.expr.ExpressionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses GRL: {@code rule "Name" [description] [salience N] [no-loop] { [salience N] [no-loop] when
 * <expression> then <action>; ... }} with {@code //} and {@code /* *}{@code /} comments. Conditions
 * and action values are parsed by the expression language; errors name the line and column.
 */
final class GrlParser {
  private static final Set<String> UNSUPPORTED_ATTRIBUTES =
      Set.of(
          "agenda-group",
          "activation-group",
          "lock-on-active",
          "date-effective",
          "date-expires",
          "enabled",
          "auto-focus");
  private static final String LOG = "Log";

  private final String text;
  private final int[] lineStarts;
  private int pos;

  /** A stretch of text holding one expression, comments blanked out so offsets stay valid. */
  private record Region(int start, String source) {}

  private GrlParser(String text) {
    this.text = text;
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  static List<GrlRule> parse(String text) {
    return new GrlParser(text).rules();
  }

  private List<GrlRule> rules() {
    List<GrlRule> rules = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    skipTrivia();
    while (pos < text.length()) {
      int start = pos;
      GrlRule rule = rule();
      Integer firstLine = names.putIfAbsent(rule.name(), rule.line());
      if (firstLine != null) {
        throw error(
            "duplicate rule name \"" + rule.name() + "\"",
            start,
            " (first defined on line " + firstLine + ")");
      }
      rules.add(rule);
      skipTrivia();
    }
    if (rules.isEmpty()) {
      throw error("no rule found", pos, "; expected rule \"Name\" { when ... then ...; }");
    }
    return rules;
  }

  private GrlRule rule() {
    int start = pos;
    String keyword = peekWord();
    if (!keyword.equals("rule")) {
      throw unexpected("expected 'rule'");
    }
    pos += keyword.length();
    skipTrivia();
    String name = ruleName();
    skipTrivia();
    if (peek() == '"') {
      quoted();
      skipTrivia();
    }
    int[] salience = {0};
    boolean[] seenSalience = {false};
    boolean noLoop = attributes(salience, seenSalience, false);
    expect('{', "'{' to open rule \"" + name + "\"");
    skipTrivia();
    noLoop |= attributes(salience, seenSalience, true);
    String when = peekWord();
    if (!when.equals("when")) {
      throw unexpected("expected 'when' in rule \"" + name + "\"");
    }
    int whenEnd = pos + when.length();
    pos = whenEnd;
    Region conditionRegion = region(";}", true);
    if (!peekWord().equals("then")) {
      throw unexpected("expected 'then' after the condition of rule \"" + name + "\"");
    }
    Expression condition = expression(conditionRegion, name, "a condition after 'when'");
    pos += "then".length();
    List<GrlAction> actions = actions(name);
    expect('}', "'}' to close rule \"" + name + "\"");
    return new GrlRule(name, salience[0], noLoop, condition, actions, lineOf(start));
  }

  private String ruleName() {
    if (peek() == '"') {
      int start = pos;
      String name = quoted();
      if (name.isBlank()) {
        throw error("empty rule name", start, "");
      }
      return name;
    }
    String word = peekWord();
    if (word.isEmpty()) {
      throw unexpected("expected the rule name (a \"quoted string\" or a name)");
    }
    pos += word.length();
    return word;
  }

  /** Reads {@code salience N} and {@code no-loop [true|false]} in any order; true if no-loop. */
  private boolean attributes(int[] salience, boolean[] seenSalience, boolean insideBraces) {
    boolean noLoop = false;
    while (true) {
      skipTrivia();
      int start = pos;
      String word = peekWord();
      if (word.equals("salience")) {
        if (seenSalience[0]) {
          throw error("salience given twice", start, "");
        }
        seenSalience[0] = true;
        pos += word.length();
        skipTrivia();
        salience[0] = integer();
      } else if (word.equals("no-loop")) {
        pos += word.length();
        skipTrivia();
        String flag = peekWord();
        if (flag.equals("true") || flag.equals("false")) {
          pos += flag.length();
          noLoop = flag.equals("true");
        } else {
          noLoop = true;
        }
      } else if (UNSUPPORTED_ATTRIBUTES.contains(word)) {
        throw error("attribute '" + word + "' is not supported", start, "");
      } else {
        return noLoop;
      }
    }
  }

  private int integer() {
    int start = pos;
    if (peek() == '-' || peek() == '+') {
      pos++;
    }
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    String digits = text.substring(start, pos);
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      pos = start;
      throw unexpected("expected an integer after 'salience'");
    }
  }

  private List<GrlAction> actions(String rule) {
    List<GrlAction> actions = new ArrayList<>();
    while (true) {
      skipTrivia();
      if (pos >= text.length() || peek() == '}') {
        if (actions.isEmpty()) {
          throw unexpected("expected an action after 'then' in rule \"" + rule + "\"");
        }
        return actions;
      }
      actions.add(action(rule));
    }
  }

  private GrlAction action(String rule) {
    int start = pos;
    String target = path();
    if (target.isEmpty()) {
      throw unexpected("expected an action: 'fact = expression;' or 'Log(...);'");
    }
    skipTrivia();
    if (peek() == '(') {
      if (!target.equals(LOG)) {
        throw error(
            "unknown function '" + target + "'",
            start,
            "; actions are 'fact = expression;' and 'Log(...);'");
      }
      pos++;
      List<Expression> arguments = arguments(rule);
      endOfAction();
      return new GrlAction.Log(arguments, lineOf(start));
    }
    if (peek() == '=' && peekAt(pos + 1) != '=') {
      if (target.contains(".")) {
        throw error(
            "only top-level facts can be assigned; '" + target + "' names a nested field",
            start,
            "");
      }
      pos++;
      Region value = region(";}", false);
      Expression expression = expression(value, rule, "a value after '='");
      endOfAction();
      return new GrlAction.Assign(target, expression, lineOf(start));
    }
    throw unexpected("expected '=' or '(' after '" + target + "'");
  }

  /** {@code ;} ends an action; it may be left out before the closing brace. */
  private void endOfAction() {
    skipTrivia();
    if (peek() == ';') {
      pos++;
    } else if (peek() != '}') {
      throw unexpected("expected ';' after the action");
    }
  }

  private List<Expression> arguments(String rule) {
    List<Expression> arguments = new ArrayList<>();
    skipTrivia();
    if (peek() == ')') {
      pos++;
      return arguments;
    }
    while (true) {
      Region argument = region(",);}", false);
      arguments.add(expression(argument, rule, "an argument"));
      char c = peek();
      pos++;
      if (c == ')') {
        return arguments;
      }
      if (c != ',') {
        pos--;
        throw unexpected("expected ',' or ')' in Log(...)");
      }
    }
  }

  /**
   * Scans to the first of {@code stops} outside strings and comments ({@code ,} and {@code )} only
   * outside parentheses), or, with {@code stopAtThen}, to the word {@code then}; leaves {@code pos}
   * there.
   */
  private Region region(String stops, boolean stopAtThen) {
    int start = pos;
    List<int[]> comments = new ArrayList<>();
    int depth = 0;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"' || c == '\'') {
        skipString(c);
        continue;
      }
      if (c == '/' && (peekAt(pos + 1) == '/' || peekAt(pos + 1) == '*')) {
        int commentStart = pos;
        skipComment();
        comments.add(new int[] {commentStart, pos});
        continue;
      }
      boolean nestable = c == ',' || c == ')';
      if (stops.indexOf(c) >= 0 && (depth == 0 || !nestable)) {
        break;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (stopAtThen && isWordStart(c) && !isWordPart(peekAt(pos - 1))) {
        String word = peekWord();
        if (word.equals("then") && peekAt(pos - 1) != '.') {
          break;
        }
        pos += Math.max(1, word.length());
        continue;
      }
      pos++;
    }
    StringBuilder source = new StringBuilder(text.substring(start, pos));
    for (int[] comment : comments) {
      for (int i = comment[0]; i < comment[1]; i++) {
        if (text.charAt(i) != '\n') {
          source.setCharAt(i - start, ' ');
        }
      }
    }
    int from = 0;
    while (from < source.length() && Character.isWhitespace(source.charAt(from))) {
      from++;
    }
    return new Region(start + from, source.substring(from).stripTrailing());
  }

  private Expression expression(Region region, String rule, String what) {
    if (region.source().isBlank()) {
      throw unexpected("expected " + what + " in rule \"" + rule + "\"");
    }
    try {
      return Expression.parse(region.source());
    } catch (ExpressionException e) {
      int offset = region.start() + e.column() - 1;
      int line = lineOf(offset);
      int column = columnOf(offset);
      throw new GrlParseException(
          "rule \"" + rule + "\": " + e.messageAt("line " + line + ", column " + column),
          line,
          column);
    }
  }

  private void skipString(char quote) {
    int start = pos;
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\\') {
        pos += 2;
        continue;
      }
      pos++;
      if (c == quote) {
        return;
      }
    }
    throw error("unterminated string starting", start, "");
  }

  private String quoted() {
    int start = pos;
    skipString('"');
    StringBuilder out = new StringBuilder();
    for (int i = start + 1; i < pos - 1; i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < pos - 1) {
        c = text.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private void skipTrivia() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '/' && (peekAt(pos + 1) == '/' || peekAt(pos + 1) == '*')) {
        skipComment();
      } else {
        return;
      }
    }
  }

  private void skipComment() {
    int start = pos;
    if (peekAt(pos + 1) == '/') {
      while (pos < text.length() && text.charAt(pos) != '\n') {
        pos++;
      }
      return;
    }
    int end = text.indexOf("*/", pos + 2);
    if (end < 0) {
      throw error("unterminated comment starting", start, "");
    }
    pos = end + 2;
  }

  private void expect(char c, String what) {
    skipTrivia();
    if (peek() != c) {
      throw unexpected("expected " + what);
    }
    pos++;
  }

  /** A word at {@code pos} (letters, digits, '_' and '-'), not consumed; empty if none. */
  private String peekWord() {
    int end = pos;
    if (end < text.length() && isWordStart(text.charAt(end))) {
      while (end < text.length()
          && (isWordPart(text.charAt(end)) || text.charAt(end) == '-')
          && !(text.charAt(end) == '-' && !isWordPart(peekAt(end + 1)))) {
        end++;
      }
    }
    return text.substring(pos, end);
  }

  /** An identifier with dots ({@code a.b}), consumed. */
  private String path() {
    int start = pos;
    if (pos < text.length() && isWordStart(text.charAt(pos))) {
      while (pos < text.length()
          && (isWordPart(text.charAt(pos))
              || (text.charAt(pos) == '.' && isWordPart(peekAt(pos + 1))))) {
        pos++;
      }
    }
    return text.substring(start, pos);
  }

  private char peek() {
    return peekAt(pos);
  }

  private char peekAt(int i) {
    return i >= 0 && i < text.length() ? text.charAt(i) : '\0';
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private GrlParseException unexpected(String expected) {
    String found;
    if (pos >= text.length()) {
      found = "unexpected end of rules";
    } else {
      String word = peekWord();
      found = "unexpected '" + (word.isEmpty() ? String.valueOf(text.charAt(pos)) : word) + "'";
    }
    return error(found, pos, "; " + expected);
  }

  private GrlParseException error(String before, int offset, String after) {
    int line = lineOf(offset);
    int column = columnOf(offset);
    return new GrlParseException(
        before + " at line " + line + ", column " + column + after, line, column);
  }

  private int lineOf(int offset) {
    int i = Arrays.binarySearch(lineStarts, Math.min(offset, text.length()));
    return (i >= 0 ? i : -i - 2) + 1;
  }

  private int columnOf(int offset) {
    return Math.min(offset, text.length()) - lineStarts[lineOf(offset) - 1] + 1;
  }
}
