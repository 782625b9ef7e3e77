package io.logicgraph.worker.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleNodeEvaluatorTest {
  private final ConditionCache cache = new ConditionCache(2);
  private final RuleNodeEvaluator evaluator = new RuleNodeEvaluator(cache);

  @Test
  void fieldMappingsOverlayTheContextAtTopLevel() throws Exception {
    ObjectNode context =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"demand\": 1, \"stock\": {\"levels\": [{\"qty\": 3}]}, \"min\": 5}");
    NodeDefinition node =
        node("qty < min && demand == 8", Map.of("qty", "stock.levels.0.qty", "demand", "missing"));

    assertThat(evaluator.evaluate("r", node, context).get("r_result").booleanValue()).isFalse();
    context.put("missing", 8);
    assertThat(evaluator.evaluate("r", node, context).toString()).isEqualTo("{\"r_result\":true}");
    assertThat(context.has("qty")).as("the task context is not modified").isFalse();
  }

  @Test
  void noConditionMeansTrue() {
    NodeDefinition node = node(null, null);
    assertThat(evaluator.evaluate("r", node, null).get("r_result").booleanValue()).isTrue();
  }

  @Test
  void badConditionIsAPermanentE003() {
    assertThatThrownBy(
            () -> evaluator.evaluate("r", node("1 +", null), Json.MAPPER.createObjectNode()))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E003);
              assertThat(e.retryable()).isFalse();
            });
  }

  @Test
  void cacheKeepsOnlyTheMostRecentlyUsedConditions() {
    cache.get("a > 1");
    cache.get("b > 1");
    cache.get("a > 1");
    cache.get("c > 1");
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("a > 1")).isSameAs(cache.get("a > 1"));
  }

  private static NodeDefinition node(String condition, Map<String, String> mappings) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    if (condition != null) {
      config.put("condition", condition);
    }
    return new NodeDefinition(
        "r", NodeType.RULE, null, config, null, null, null, null, mappings, null);
  }
}
