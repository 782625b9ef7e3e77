package io.logicgraph.worker.rule.grl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ExecutionContexts;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.EdgeDefinition;
import io.logicgraph.model.graph.GraphDefinition;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/examples/purchasing-flow: the graph loads, its inline rules are rules.grl, and with lookup
 * results equal to the sample rows of schema.sql (as worker-db returns them) the GrlNode reaches
 * the decisions the README states, and the explanation runs only when an order is placed.
 */
class PurchasingFlowExampleTest {
  private static final Path EXAMPLE = Path.of("../docs/examples/purchasing-flow");

  private static GraphDefinition graph;
  private final GrlNodeEvaluator evaluator = new GrlNodeEvaluator(new RuleSetCache(4));

  @BeforeAll
  static void load() throws Exception {
    ValidationReport report =
        GraphLoader.load(
            Files.readString(EXAMPLE.resolve("graph.yaml")),
            GraphFormat.YAML,
            GraphLimits.DEFAULTS);
    assertThat(report.errors()).isEmpty();
    assertThat(report.warnings()).isEmpty();
    graph = report.graph();
  }

  @Test
  void theGraphHasFourLookupsOnFourDatasourcesThenTheRulesThenTheExplanation() throws Exception {
    Map<String, String> datasources = new LinkedHashMap<>();
    graph.nodes().values().stream()
        .filter(n -> n.nodeType() == NodeType.POSTGRES)
        .forEach(n -> datasources.put(n.id(), n.text("database")));
    assertThat(datasources)
        .containsExactly(
            Map.entry("oms_history", "oms_db"),
            Map.entry("inventory_levels", "inventory_db"),
            Map.entry("supplier_offer", "supplier_db"),
            Map.entry("uom_conversion", "uom_db"));
    assertThat(graph.node("decide").nodeType()).isEqualTo(NodeType.GRL);
    assertThat(graph.node("explain").nodeType()).isEqualTo(NodeType.OPENAI);
    assertThat(Dag.of(graph).layers())
        .containsExactly(
            List.of("oms_history", "inventory_levels", "supplier_offer", "uom_conversion"),
            List.of("decide"),
            List.of("explain"));
    assertThat(graph.edges())
        .contains(new EdgeDefinition("decide", "explain", "should_order == true"));
  }

  @Test
  void theInlineRulesAreRulesGrl() throws Exception {
    assertThat(graph.node("decide").text("rules"))
        .isEqualTo(Files.readString(EXAMPLE.resolve("rules.grl")));
  }

  @Test
  void prod001ReordersWholeCasesAndIsAutoApproved() throws Exception {
    ObjectNode context =
        run(
            "PROD-001",
            lookup("{\"avg_daily_demand\": 12.5, \"period_days\": 28, \"trend\": \"increasing\"}"),
            lookup(
                "{\"warehouse\": \"WH-NORTH\", \"on_hand\": 60, \"reserved\": 10,"
                    + " \"safety_stock\": 20}"),
            lookup(
                "{\"supplier_name\": \"Acme Components\", \"unit_price\": 18.75, \"moq\": 40,"
                    + " \"lead_time_days\": 6}"),
            lookup("{\"base_uom\": \"EA\", \"purchase_uom\": \"CASE\", \"units_per_pack\": 12}"));

    assertFacts(
        context,
        Map.of(
            "available_qty",
            50,
            "reorder_point",
            95,
            "shortage",
            45,
            "order_qty",
            48,
            "packs",
            4,
            "net_amount",
            900,
            "tax_amount",
            72,
            "total_amount",
            972));
    assertThat(context.get("should_order").booleanValue()).isTrue();
    assertThat(context.get("requires_approval").booleanValue()).isFalse();
    assertThat(context.get("decision").textValue()).isEqualTo("auto_approved");
    assertThat(context.at("/decide_result/log")).isEmpty();
    assertThat(explainRuns(context)).isTrue();
  }

  @Test
  void prod002HasEnoughStock() throws Exception {
    ObjectNode context =
        run(
            "PROD-002",
            lookup("{\"avg_daily_demand\": 4.0, \"period_days\": 28, \"trend\": \"stable\"}"),
            lookup(
                "{\"warehouse\": \"WH-NORTH\", \"on_hand\": 200, \"reserved\": 30,"
                    + " \"safety_stock\": 10}"),
            lookup(
                "{\"supplier_name\": \"Acme Components\", \"unit_price\": 9.5, \"moq\": 24,"
                    + " \"lead_time_days\": 5}"),
            lookup("{\"base_uom\": \"EA\", \"purchase_uom\": \"BOX\", \"units_per_pack\": 6}"));

    assertFacts(context, Map.of("available_qty", 170, "reorder_point", 30, "order_qty", 0));
    assertThat(context.get("should_order").booleanValue()).isFalse();
    assertThat(context.get("decision").textValue()).isEqualTo("no_reorder");
    assertThat(context.has("total_amount")).isFalse();
    assertThat(context.has("requires_approval")).isFalse();
    assertThat(context.at("/decide_result/log").toString())
        .isEqualTo("[\"PROD-002: 170 available covers the reorder point 30.0\"]");
    assertThat(explainRuns(context)).isFalse();
  }

  @Test
  void prod003OrdersTheMinimumQuantityAndNeedsApproval() throws Exception {
    ObjectNode context =
        run(
            "PROD-003",
            lookup("{\"avg_daily_demand\": 40.0, \"period_days\": 28, \"trend\": \"increasing\"}"),
            lookup(
                "{\"warehouse\": \"WH-SOUTH\", \"on_hand\": 150, \"reserved\": 50,"
                    + " \"safety_stock\": 100}"),
            lookup(
                "{\"supplier_name\": \"Northwind Supply\", \"unit_price\": 6.25, \"moq\": 1000,"
                    + " \"lead_time_days\": 14}"),
            lookup("{\"base_uom\": \"EA\", \"purchase_uom\": \"PALLET\", \"units_per_pack\": 50}"));

    assertFacts(
        context,
        Map.of(
            "available_qty",
            100,
            "reorder_point",
            660,
            "shortage",
            560,
            "order_qty",
            1000,
            "packs",
            20,
            "net_amount",
            6250,
            "tax_amount",
            500,
            "total_amount",
            6750));
    assertThat(context.get("requires_approval").booleanValue()).isTrue();
    assertThat(context.get("decision").textValue()).isEqualTo("needs_approval");
    assertThat(context.at("/decide_result/log").toString())
        .isEqualTo("[\"PROD-003: shortage 560.0 raised to the minimum order quantity 1000\"]");
    assertThat(explainRuns(context)).isTrue();
  }

  @Test
  void anUnknownProductDecidesNothingAndIsNotExplained() throws Exception {
    ObjectNode context = run("PROD-404", lookup(null), lookup(null), lookup(null), lookup(null));

    assertThat(context.at("/decide_result/assigned")).isEmpty();
    assertThat(context.has("should_order")).isFalse();
    assertThat(explainRuns(context)).isFalse();
  }

  /**
   * The context after {@code decide}, built as the orchestrator builds it: the input, the four
   * lookups' outputs, the context decide sees, then decide's output.
   */
  private ObjectNode run(String productId, ObjectNode... lookups) {
    ObjectNode input = Json.MAPPER.createObjectNode().put("product_id", productId);
    String[] ids = {"oms_history", "inventory_levels", "supplier_offer", "uom_conversion"};
    Map<String, ObjectNode> outputs = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      ObjectNode output = Json.MAPPER.createObjectNode();
      output.set(ids[i] + "_result", lookups[i].get("rows"));
      output.put(ids[i] + "_count", lookups[i].get("rows").size());
      outputs.put(ids[i], output);
    }
    Dag dag = Dag.of(graph);
    NodeDefinition decide = graph.node("decide");
    ObjectNode seen = ExecutionContexts.forNode(dag, input, outputs, "decide");
    outputs.put("decide", evaluator.evaluate("decide", decide, seen));
    return ExecutionContexts.finalContext(dag, input, outputs);
  }

  /** A SQL node's rows: one row, or none when {@code row} is null. */
  private static ObjectNode lookup(String row) throws Exception {
    ObjectNode lookup = Json.MAPPER.createObjectNode();
    ArrayNode rows = lookup.putArray("rows");
    if (row != null) {
      rows.add(Json.MAPPER.readTree(row));
    }
    return lookup;
  }

  private static void assertFacts(ObjectNode context, Map<String, Number> expected) {
    expected.forEach(
        (fact, value) -> {
          JsonNode actual = context.get(fact);
          assertThat(actual).as(fact).isNotNull();
          assertThat(actual.isNumber()).as(fact + " is a number: " + actual).isTrue();
          assertThat(actual.doubleValue()).as(fact).isCloseTo(value.doubleValue(), within(1e-9));
          assertThat(context.at("/decide_result/assigned/" + fact)).as(fact).isEqualTo(actual);
        });
  }

  private static boolean explainRuns(ObjectNode context) {
    EdgeDefinition edge =
        graph.edges().stream().filter(e -> e.to().equals("explain")).findFirst().orElseThrow();
    return Expression.parse(edge.condition()).test(context);
  }
}
