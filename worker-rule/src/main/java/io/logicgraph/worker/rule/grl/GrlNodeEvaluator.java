package io.logicgraph.worker.rule.grl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.grl.GrlEvaluation;
import io.logicgraph.model.grl.GrlFacts;
import io.logicgraph.model.grl.GrlParseException;
import io.logicgraph.model.grl.GrlRuleSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs a GrlNode: builds the facts (the context's top-level scalars, then {@code field_mappings}),
 * runs the node's {@code rules} over them and returns the output:
 *
 * <ul>
 *   <li>every fact the rules assigned, at top level, with its final value;
 *   <li>{@code <id>_result} = {@code {assigned, cycles, rules_fired, firings, log, capped}}: the
 *       assigned facts again, the cycles run, the names of the rules that fired (each once, in the
 *       order they first fired), how many times rules fired in all, the {@code Log(...)} lines, and
 *       whether evaluation stopped at the cycle limit.
 * </ul>
 *
 * <p>Stopping at the cycle limit is not an error ({@code capped: true}); a rule that cannot be
 * evaluated fails the node with E003 naming the rule, as does rule text that does not parse.
 */
public final class GrlNodeEvaluator {
  private final RuleSetCache ruleSets;
  private final int maxCycles;

  /** With the default cycle limit ({@link GrlRuleSet#MAX_CYCLES}). */
  public GrlNodeEvaluator(RuleSetCache ruleSets) {
    this(ruleSets, GrlRuleSet.MAX_CYCLES);
  }

  public GrlNodeEvaluator(RuleSetCache ruleSets, int maxCycles) {
    this.ruleSets = ruleSets;
    this.maxCycles = maxCycles;
  }

  public ObjectNode evaluate(String nodeId, NodeDefinition node, ObjectNode context) {
    String resultKey = nodeId + "_result";
    GrlRuleSet rules = ruleSet(nodeId, node);
    Map<String, JsonNode> facts = GrlFacts.from(context, node.fieldMappingsOrEmpty());
    GrlEvaluation evaluation = rules.evaluate(facts, maxCycles);
    if (evaluation.assigned().containsKey(resultKey)) {
      throw new LogicGraphException(
          ErrorCode.E003,
          "the rules of node '"
              + nodeId
              + "' assign '"
              + resultKey
              + "', the key the node's own result is written to",
          false,
          "give that fact another name");
    }
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    evaluation.assigned().forEach(output::set);
    output.set(resultKey, result(evaluation));
    return output;
  }

  private GrlRuleSet ruleSet(String nodeId, NodeDefinition node) {
    String text = node.text("rules");
    if (text == null || text.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "GrlNode '" + nodeId + "' has no rules",
          false,
          "give the node a 'rules' field with GRL text (see 02-graph-format.md)");
    }
    try {
      return ruleSets.get(text);
    } catch (GrlParseException e) {
      throw new LogicGraphException(
          ErrorCode.E003,
          "rules of node '" + nodeId + "' do not parse: " + e.getMessage(),
          false,
          "fix the GRL at line " + e.line() + ", column " + e.column(),
          e);
    }
  }

  private static ObjectNode result(GrlEvaluation evaluation) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    ObjectNode assigned = result.putObject("assigned");
    evaluation.assigned().forEach(assigned::set);
    result.put("cycles", evaluation.cycles());
    Set<String> fired = new LinkedHashSet<>(evaluation.firedRules());
    fired.forEach(result.putArray("rules_fired")::add);
    result.put("firings", evaluation.rulesFired());
    evaluation.log().forEach(result.putArray("log")::add);
    result.put("capped", evaluation.capped());
    return result;
  }
}
