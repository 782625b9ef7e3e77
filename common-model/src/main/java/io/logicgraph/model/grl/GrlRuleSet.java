package io.logicgraph.model.grl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.context.Template;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.expr.MissingPaths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A parsed GRL rule set, immutable and safe to cache and share between threads, with the evaluation
 * semantics of rust-rule-engine:
 *
 * <ul>
 *   <li>evaluation runs in cycles, at most {@link #MAX_CYCLES} (or the limit given);
 *   <li>in each cycle every rule is tried in descending salience (ties in file order) against the
 *       current facts, so a fact assigned by one rule is visible to the rules after it;
 *   <li>a rule fires when its condition is true; a comparison that reads an unset fact is false;
 *   <li>a {@code no-loop} rule fires at most once per evaluation;
 *   <li>evaluation stops after the first cycle in which no rule fired.
 * </ul>
 *
 * <p>Rules without {@code no-loop} whose condition stays true fire again every cycle. When a cycle
 * ends with the facts it started with and no {@code no-loop} rule fired in it, every later cycle
 * would repeat it exactly; evaluation stops there too, with the facts rust-rule-engine reaches
 * after its 100 cycles, instead of running them.
 */
public final class GrlRuleSet {
  /** Cycle limit of rust-rule-engine: the default. */
  public static final int MAX_CYCLES = 100;

  /** Log lines kept per evaluation; the rest is dropped, with a note. */
  static final int MAX_LOG_LINES = 1_000;

  private final List<GrlRule> rules;
  private final int[] agenda;

  private GrlRuleSet(List<GrlRule> rules) {
    this.rules = List.copyOf(rules);
    this.agenda =
        IntStream.range(0, rules.size())
            .boxed()
            .sorted(
                Comparator.comparingInt((Integer i) -> -rules.get(i).salience())
                    .thenComparingInt(i -> i))
            .mapToInt(Integer::intValue)
            .toArray();
  }

  /**
   * Parses GRL text.
   *
   * @throws GrlParseException (E003) naming the line and column of the first problem
   */
  public static GrlRuleSet parse(String text) {
    Objects.requireNonNull(text, "text");
    return new GrlRuleSet(GrlParser.parse(text));
  }

  /** The rules in file order. */
  public List<GrlRule> rules() {
    return rules;
  }

  public int size() {
    return rules.size();
  }

  /**
   * Runs the rules over {@code facts} (fact name to value; a Java null value leaves the fact
   * unset). The map is not modified.
   *
   * @throws LogicGraphException E003 naming the rule when an action or condition cannot be
   *     evaluated (arithmetic on a non-number, division by zero, an assignment reading an unset
   *     fact)
   */
  public GrlEvaluation evaluate(Map<String, JsonNode> facts) {
    return evaluate(facts, MAX_CYCLES);
  }

  /**
   * Evaluates the rules over the facts, stopping after at most {@code maxCycles} cycles (reported
   * as {@code capped}).
   */
  public GrlEvaluation evaluate(Map<String, JsonNode> facts, int maxCycles) {
    if (maxCycles < 1) {
      throw new IllegalArgumentException("maxCycles must be at least 1, not " + maxCycles);
    }
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    facts.forEach(
        (name, value) -> {
          if (value != null) {
            state.set(name, value);
          }
        });
    Map<String, JsonNode> assigned = new LinkedHashMap<>();
    List<String> fired = new ArrayList<>();
    List<String> log = new ArrayList<>();
    boolean[] firedOnce = new boolean[rules.size()];
    int cycle = 0;
    boolean capped = false;
    while (cycle < maxCycles) {
      cycle++;
      Map<String, JsonNode> atCycleStart = new HashMap<>();
      boolean anyFired = false;
      boolean noLoopFired = false;
      for (int i : agenda) {
        GrlRule rule = rules.get(i);
        if ((rule.noLoop() && firedOnce[i]) || !holds(rule, state)) {
          continue;
        }
        anyFired = true;
        fired.add(rule.name());
        if (rule.noLoop()) {
          firedOnce[i] = true;
          noLoopFired = true;
        }
        for (GrlAction action : rule.actions()) {
          if (action instanceof GrlAction.Assign assign) {
            JsonNode value = assignedValue(rule, assign, state);
            atCycleStart.putIfAbsent(assign.fact(), state.path(assign.fact()));
            state.set(assign.fact(), value);
            assigned.put(assign.fact(), value);
          } else if (action instanceof GrlAction.Log line) {
            log(rule, line, state, log);
          }
        }
      }
      if (!anyFired || (!noLoopFired && unchanged(atCycleStart, state))) {
        break;
      }
      capped = cycle == maxCycles;
    }
    Map<String, JsonNode> finalFacts = new LinkedHashMap<>();
    state.fields().forEachRemaining(f -> finalFacts.put(f.getKey(), f.getValue()));
    return new GrlEvaluation(assigned, finalFacts, cycle, fired, log, capped);
  }

  private static boolean holds(GrlRule rule, ObjectNode state) {
    try {
      return rule.condition().test(state, MissingPaths.UNKNOWN);
    } catch (LogicGraphException e) {
      throw failure(rule, rule.line(), "condition '" + source(rule.condition()) + "'", e);
    }
  }

  private static JsonNode assignedValue(GrlRule rule, GrlAction.Assign assign, ObjectNode state) {
    JsonNode value;
    try {
      value = assign.value().evaluate(state, MissingPaths.UNKNOWN);
    } catch (LogicGraphException e) {
      throw failure(
          rule, assign.line(), "'" + assign.fact() + " = " + source(assign.value()) + "'", e);
    }
    if (value.isMissingNode()) {
      String unset =
          assign.value().paths().stream()
              .filter(p -> ContextPath.resolve(state, p).isMissingNode())
              .collect(Collectors.joining(", "));
      throw failure(
          rule,
          assign.line(),
          "'" + assign.fact() + " = " + source(assign.value()) + "' reads unset " + unset);
    }
    return value;
  }

  private static void log(GrlRule rule, GrlAction.Log line, ObjectNode state, List<String> log) {
    if (log.size() > MAX_LOG_LINES) {
      return;
    }
    if (log.size() == MAX_LOG_LINES) {
      log.add("... further log lines dropped");
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Expression argument : line.arguments()) {
      try {
        text.append(Template.toText(argument.evaluate(state, MissingPaths.UNKNOWN)));
      } catch (LogicGraphException e) {
        throw failure(rule, line.line(), "Log argument '" + source(argument) + "'", e);
      }
    }
    log.add(text.toString());
  }

  /** Whether every fact assigned in the cycle ended with the value it had when the cycle began. */
  private static boolean unchanged(Map<String, JsonNode> atCycleStart, ObjectNode state) {
    for (Map.Entry<String, JsonNode> entry : atCycleStart.entrySet()) {
      if (!sameValue(entry.getValue(), state.path(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Equality as {@code ==} sees it (1 == 1.0); unset equals only unset. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isMissingNode() || b.isMissingNode()) {
      return a.isMissingNode() && b.isMissingNode();
    }
    return Expression.valuesEqual(a, b);
  }

  private static LogicGraphException failure(
      GrlRule rule, int line, String what, LogicGraphException cause) {
    return failure(rule, line, "cannot evaluate " + what + ": " + cause.getMessage());
  }

  /** An expression's text on one line, for messages. */
  private static String source(Expression expression) {
    return expression.source().strip().replaceAll("\\s+", " ");
  }

  private static LogicGraphException failure(GrlRule rule, int line, String message) {
    return new LogicGraphException(
        ErrorCode.E003,
        "rule \"" + rule.name() + "\" (line " + line + "): " + message,
        false,
        "check the rule and the facts it reads");
  }

  @Override
  public String toString() {
    return "GrlRuleSet[" + rules.size() + " rules]";
  }
}
