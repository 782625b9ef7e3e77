package io.logicgraph.worker.rule.grl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.grl.GrlRuleSet;
import io.logicgraph.model.message.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GrlNodeEvaluatorTest {
  /** A small reorder policy: shortage over the lead time, a minimum order, an approval limit. */
  static final String REORDER_RULES =
      """
      rule "Lead time demand" salience 30 no-loop {
        when demand > 0 && lead_days > 0
        then need = demand * lead_days;
      }
      rule "Short" salience 20 no-loop {
        when stock < need
        then reorder = true; qty = need - stock; Log("short by ", need - stock);
      }
      rule "Enough" salience 20 no-loop {
        when stock >= need
        then reorder = false;
      }
      rule "Minimum order" salience 10 no-loop {
        when reorder == true && qty < min_qty
        then qty = min_qty;
      }
      rule "Approval" salience 5 no-loop {
        when reorder == true && qty * price > 1000
        then approval = "manager";
      }
      """;

  private final AtomicInteger parses = new AtomicInteger();
  private final RuleSetCache cache =
      new RuleSetCache(
          4,
          text -> {
            parses.incrementAndGet();
            return GrlRuleSet.parse(text);
          });
  private final GrlNodeEvaluator evaluator = new GrlNodeEvaluator(cache);

  @Test
  void assignedFactsMergeAtTopLevelBesideTheResult() throws Exception {
    ObjectNode context =
        json(
            """
            {"product_id": "P-1", "price": 20,
             "history_result": [{"avg": 12.5}], "stock_result": [{"on_hand": 40}],
             "supplier": {"lead": 4, "moq": 100}}
            """);
    NodeDefinition node =
        node(
            REORDER_RULES,
            Map.of(
                "demand", "history_result.0.avg",
                "stock", "stock_result.0.on_hand",
                "lead_days", "supplier.lead",
                "min_qty", "supplier.moq"));

    ObjectNode output = evaluator.evaluate("decide", node, context);

    assertThat(output)
        .isEqualTo(
            json(
                """
                {"need": 50.0, "reorder": true, "qty": 100, "approval": "manager",
                 "decide_result": {
                   "assigned": {"need": 50.0, "reorder": true, "qty": 100, "approval": "manager"},
                   "cycles": 2,
                   "rules_fired": ["Lead time demand", "Short", "Minimum order", "Approval"],
                   "firings": 4,
                   "log": ["short by 10.0"],
                   "capped": false}}
                """));
    assertThat(context.has("need")).as("the task context is not modified").isFalse();
  }

  @Test
  void topLevelScalarsAreFactsAndUnsetFactsMakeConditionsFalse() throws Exception {
    NodeDefinition node =
        node(
            """
            rule "Known" { when stock >= need then enough = true; }
            rule "Unknown" { when missing > 0 || missing <= 0 then seen = true; }
            """,
            null);

    ObjectNode output = evaluator.evaluate("check", node, json("{\"stock\": 5, \"need\": 5}"));

    assertThat(output.get("enough").booleanValue()).isTrue();
    assertThat(output.has("seen")).isFalse();
    assertThat(output.get("check_result").get("rules_fired").toString()).isEqualTo("[\"Known\"]");
  }

  @Test
  void rulesThatRefireListOnceAndCountEveryFiring() throws Exception {
    NodeDefinition node =
        node("rule \"Count\" { when n < 3 then n = n + 1; }", Map.of("n", "counter.value"));

    ObjectNode output = evaluator.evaluate("loop", node, json("{\"counter\": {\"value\": 0}}"));

    JsonNode result = output.get("loop_result");
    assertThat(output.get("n").intValue()).isEqualTo(3);
    assertThat(result.get("rules_fired").toString()).isEqualTo("[\"Count\"]");
    assertThat(result.get("firings").intValue()).isEqualTo(3);
    assertThat(result.get("cycles").intValue()).isEqualTo(4);
    assertThat(result.get("capped").booleanValue()).isFalse();
  }

  @Test
  void stoppingAtTheCycleLimitIsReportedNotFailed() throws Exception {
    NodeDefinition node = node("rule \"Forever\" { when n >= 0 then n = n + 1; }", null);

    ObjectNode output = evaluator.evaluate("spin", node, json("{\"n\": 0}"));

    JsonNode result = output.get("spin_result");
    assertThat(result.get("capped").booleanValue()).isTrue();
    assertThat(result.get("cycles").intValue()).isEqualTo(GrlRuleSet.MAX_CYCLES);
    assertThat(output.get("n").intValue()).isEqualTo(GrlRuleSet.MAX_CYCLES);
  }

  @Test
  void theConfiguredCycleLimitApplies() throws Exception {
    NodeDefinition node = node("rule \"Forever\" { when n >= 0 then n = n + 1; }", null);

    ObjectNode output = new GrlNodeEvaluator(cache, 12).evaluate("spin", node, json("{\"n\": 0}"));

    JsonNode result = output.get("spin_result");
    assertThat(result.get("capped").booleanValue()).isTrue();
    assertThat(result.get("cycles").intValue()).isEqualTo(12);
    assertThat(output.get("n").intValue()).isEqualTo(12);
  }

  @Test
  void aRuleThatCannotBeEvaluatedIsAPermanentE003NamingIt() {
    NodeDefinition node =
        node(
            """
            rule "Fine" salience 2 { when a > 0 then b = 1; }
            rule "Divide" salience 1 { when a > 0 then ratio = a / zero; }
            """,
            null);

    assertThatThrownBy(() -> evaluator.evaluate("d", node, json("{\"a\": 1, \"zero\": 0}")))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E003);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("rule \"Divide\"").contains("division by zero");
            });
  }

  @Test
  void textThatDoesNotParseIsAnE003WithItsPosition() {
    NodeDefinition node = node("rule \"A\" {\n  when a > then b = 1;\n}", null);

    assertThatThrownBy(() -> evaluator.evaluate("d", node, json("{}")))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E003);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .startsWith("rules of node 'd' do not parse")
                  .contains("line 2");
              assertThat(e.hint()).contains("line 2");
            });
  }

  @Test
  void noRulesIsAConfigurationError() {
    assertThatThrownBy(() -> evaluator.evaluate("d", node(null, null), json("{}")))
        .isInstanceOfSatisfying(
            LogicGraphException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.E004));
  }

  @Test
  void assigningTheNodesOwnResultKeyFails() {
    NodeDefinition node = node("rule \"Clash\" { when true then d_result = 1; }", null);

    assertThatThrownBy(() -> evaluator.evaluate("d", node, json("{}")))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E003);
              assertThat(e.getMessage()).contains("'d_result'");
            });
  }

  @Test
  void eachDistinctRuleTextIsParsedOncePerWorker() throws Exception {
    NodeDefinition node = node(REORDER_RULES, Map.of("demand", "d"));
    for (int i = 0; i < 50; i++) {
      evaluator.evaluate("decide", node, json("{\"d\": " + i + ", \"lead_days\": 2}"));
    }
    // Every task carries its own copy of the text (read from its own message).
    NodeDefinition sameText = node(new String(REORDER_RULES.toCharArray()), Map.of("demand", "d"));
    evaluator.evaluate("other", sameText, json("{\"d\": 1}"));
    assertThat(parses.get()).isEqualTo(1);

    evaluator.evaluate("x", node("rule \"R\" { when true then y = 1; }", null), json("{}"));
    assertThat(parses.get()).isEqualTo(2);
    assertThat(cache.parses()).isEqualTo(2);
  }

  @Test
  void concurrentTasksWithTheSameRulesParseThemOnce() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    NodeDefinition node = node(REORDER_RULES, null);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<ObjectNode>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<ObjectNode> task =
            () -> {
              start.await();
              return evaluator.evaluate("decide", node, json("{\"stock\": 1, \"need\": 0}"));
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<ObjectNode> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS).get("reorder").booleanValue()).isFalse();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(parses.get()).isEqualTo(1);
  }

  @Test
  void theCacheIsBoundedAndKeepsTheMostRecentlyUsedTexts() {
    for (int i = 0; i < 6; i++) {
      cache.get("rule \"R" + i + "\" { when true then x = " + i + "; }");
    }
    assertThat(cache.size()).isEqualTo(4);
    cache.get("rule \"R5\" { when true then x = 5; }");
    assertThat(parses.get()).as("a cached text is not parsed again").isEqualTo(6);
    cache.get("rule \"R0\" { when true then x = 0; }");
    assertThat(parses.get()).as("an evicted text is parsed again").isEqualTo(7);
  }

  @Test
  void textThatDoesNotParseIsNotParsedAgain() {
    NodeDefinition node = node("rule \"A\" { when then b = 1; }", null);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> evaluator.evaluate("d", node, json("{}")))
          .isInstanceOf(LogicGraphException.class);
    }
    assertThat(parses.get()).isEqualTo(1);
  }

  static NodeDefinition node(String rules, Map<String, String> fieldMappings) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    if (rules != null) {
      config.put("rules", rules);
    }
    return new NodeDefinition(
        "decide", NodeType.GRL, null, config, null, null, null, null, fieldMappings, null);
  }

  static ObjectNode json(String text) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(text);
  }
}
