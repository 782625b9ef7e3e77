package io.logicgraph.model.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed expression of the format (RuleNode {@code condition}, edge {@code condition}): literals,
 * context paths, comparison, logic, arithmetic, parentheses. Immutable and thread-safe.
 *
 * <p>Semantics: numbers compare by value ({@code 1 == 1.0}); strings order lexicographically;
 * {@code ==} between different types is false; {@code < <= > >=} are false unless both sides are
 * numbers or both strings (so any ordering with null is false); {@code +} concatenates when either
 * side is a string (other values as in {@link io.logicgraph.model.context.Template#toText});
 * arithmetic on anything else, and division or modulo by zero, fail with E003. Integer arithmetic
 * stays integral when the result is an integer ({@code 7 / 2} is 3.5, {@code 6 / 2} is 3). {@code
 * && ||} short-circuit and yield booleans.
 */
public final class Expression {
  private final String source;
  private final Ast ast;
  private final Set<String> paths;

  private Expression(String source, Ast ast) {
    this.source = source;
    this.ast = ast;
    Set<String> collected = new LinkedHashSet<>();
    ast.collectPaths(collected);
    this.paths = Collections.unmodifiableSet(collected);
  }

  /**
   * Parses {@code source}.
   *
   * @throws ExpressionException naming the column and what was expected
   */
  public static Expression parse(String source) {
    Objects.requireNonNull(source, "source");
    return new Expression(source, Parser.parse(source));
  }

  /** The value of the expression against a context (a missing path is JSON null). */
  public JsonNode evaluate(JsonNode context) {
    return evaluate(context, MissingPaths.AS_NULL);
  }

  /**
   * The value of the expression against a context, with absent paths treated as {@code missing}
   * says; with {@link MissingPaths#UNKNOWN} the result is a missing node when it depends on an
   * absent path.
   *
   * @throws ExpressionException (E003) for arithmetic on non-numbers or division by zero
   */
  public JsonNode evaluate(JsonNode context, MissingPaths missing) {
    JsonNode root = context == null ? MissingNode.getInstance() : context;
    return ast.evaluate(root, Objects.requireNonNull(missing, "missing"));
  }

  /** The truthiness of {@link #evaluate}: false, null, 0, "" and empty containers are false. */
  public boolean test(JsonNode context) {
    return Values.truthy(evaluate(context));
  }

  /** The truthiness of {@link #evaluate(JsonNode, MissingPaths)}; unknown is false. */
  public boolean test(JsonNode context, MissingPaths missing) {
    return Values.truthy(evaluate(context, missing));
  }

  /** Context paths the expression reads. */
  public Set<String> paths() {
    return paths;
  }

  public String source() {
    return source;
  }

  /** Equality as {@code ==} defines it: numbers by value (1 == 1.0), other values structurally. */
  public static boolean valuesEqual(JsonNode a, JsonNode b) {
    return Values.equal(a, b);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Expression e && e.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
