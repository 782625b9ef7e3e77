package io.logicgraph.worker.rule;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.graph.NodeDefinition;
import java.util.Map;

/**
 * Runs a RuleNode: evaluates its {@code condition} against the facts (the context with every {@code
 * field_mappings} entry overlaid at top level) and writes {@code <id>_result} as a boolean. A
 * RuleNode without a condition is true, as in rust-logic-graph.
 */
public final class RuleNodeEvaluator {
  private final ConditionCache conditions;

  public RuleNodeEvaluator(ConditionCache conditions) {
    this.conditions = conditions;
  }

  public ObjectNode evaluate(String nodeId, NodeDefinition node, ObjectNode context) {
    String condition = node.text("condition");
    boolean value =
        condition == null || condition.isBlank() || test(condition, facts(node, context));
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.put(nodeId + "_result", value);
    return output;
  }

  /** The context seen by the condition: a shallow copy with the mapped fields on top. */
  static ObjectNode facts(NodeDefinition node, ObjectNode context) {
    ObjectNode source = context == null ? JsonNodeFactory.instance.objectNode() : context;
    ObjectNode facts = JsonNodeFactory.instance.objectNode();
    facts.setAll(source); // shallow: the condition only reads
    for (Map.Entry<String, String> mapping : node.fieldMappingsOrEmpty().entrySet()) {
      facts.set(mapping.getKey(), ContextPath.get(source, mapping.getValue()));
    }
    return facts;
  }

  private boolean test(String condition, ObjectNode facts) {
    Expression expression;
    try {
      expression = conditions.get(condition);
    } catch (LogicGraphException e) {
      throw rule("condition does not parse: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw rule("condition does not parse: " + condition, e);
    }
    try {
      return expression.test(facts);
    } catch (LogicGraphException e) {
      throw rule("condition cannot be evaluated: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw rule("condition cannot be evaluated: " + condition, e);
    }
  }

  private static LogicGraphException rule(String message, Throwable cause) {
    return new LogicGraphException(
        ErrorCode.E003, message, false, "fix the node's condition (see 02-graph-format.md)", cause);
  }
}
