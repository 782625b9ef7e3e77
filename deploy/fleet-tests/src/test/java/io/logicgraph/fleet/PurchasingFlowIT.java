package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The purchasing-flow example (docs/examples/purchasing-flow) on the fleet: its graph.yaml as it
 * is, its four datasources (oms_db, inventory_db, supplier_db, uom_db) filled by its own
 * schema.sql, and the decisions its README states for PROD-001, PROD-002, PROD-003 and an unknown
 * product.
 */
@ExtendWith(FleetExtension.class)
class PurchasingFlowIT {
  private static final String EXAMPLE = "docs/examples/purchasing-flow/";
  private static final List<String> LOOKUPS =
      List.of("oms_history", "inventory_levels", "supplier_offer", "uom_conversion");

  private static String graphId;

  @BeforeAll
  static void submitTheExampleGraph(Fleet fleet) throws IOException {
    Path graph = fleet.root().resolve(EXAMPLE + "graph.yaml");
    graphId = new FleetClient(fleet).submit(Files.readString(graph));
  }

  @Test
  void prod001IsReorderedInWholeCasesAndAutoApproved(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode context = run(client, "PROD-001", "completed");

    // The lookups read the example's sample rows from the four datasources.
    assertThat(context.at("/oms_history_result/0/avg_daily_demand").asDouble()).isEqualTo(12.5);
    assertThat(context.at("/inventory_levels_result/0/on_hand").asInt()).isEqualTo(60);
    assertThat(context.at("/supplier_offer_result/0/supplier_name").asText())
        .isEqualTo("Acme Components");
    assertThat(context.at("/uom_conversion_result/0/purchase_uom").asText()).isEqualTo("CASE");

    assertNumber(context, "reorder_point", 95);
    assertNumber(context, "available_qty", 50);
    assertThat(context.path("should_order").asBoolean()).isTrue();
    assertNumber(context, "shortage", 45);
    assertDecimal(context, "order_qty", 48);
    assertNumber(context, "packs", 4);
    assertNumber(context, "net_amount", 900);
    assertNumber(context, "tax_amount", 72);
    assertDecimal(context, "total_amount", 972);
    assertThat(context.path("requires_approval").isBoolean()).isTrue();
    assertThat(context.path("requires_approval").asBoolean()).isFalse();
    assertThat(context.path("decision").asText()).isEqualTo("auto_approved");
    assertThat(log(context)).as("decide_result.log").isEmpty();
    assertExplained(context, "PROD-001");
  }

  @Test
  void prod002HasEnoughStockAndIsNotReordered(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode context = run(client, "PROD-002", "skipped");

    assertNumber(context, "reorder_point", 30);
    assertNumber(context, "available_qty", 170);
    assertThat(context.path("should_order").isBoolean()).isTrue();
    assertThat(context.path("should_order").asBoolean()).isFalse();
    assertNumber(context, "order_qty", 0);
    assertThat(context.path("decision").asText()).isEqualTo("no_reorder");
    for (String unset :
        List.of("shortage", "packs", "net_amount", "total_amount", "requires_approval")) {
      assertThat(context.has(unset)).as("%s is not assigned", unset).isFalse();
    }
    assertThat(log(context))
        .containsExactly("PROD-002: 170 available covers the reorder point 30.0");
    assertThat(context.has("explain_content")).as("explain skipped").isFalse();
  }

  @Test
  void prod003IsRaisedToTheMinimumOrderQuantityAndNeedsApproval(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode context = run(client, "PROD-003", "completed");

    assertNumber(context, "reorder_point", 660);
    assertNumber(context, "available_qty", 100);
    assertThat(context.path("should_order").asBoolean()).isTrue();
    assertNumber(context, "shortage", 560);
    assertNumber(context, "order_qty", 1000);
    assertNumber(context, "packs", 20);
    assertNumber(context, "net_amount", 6250);
    assertNumber(context, "tax_amount", 500);
    assertDecimal(context, "total_amount", 6750);
    assertThat(context.path("requires_approval").asBoolean()).isTrue();
    assertThat(context.path("decision").asText()).isEqualTo("needs_approval");
    assertThat(log(context))
        .containsExactly("PROD-003: shortage 560.0 raised to the minimum order quantity 1000");
    assertExplained(context, "PROD-003");
  }

  @Test
  void anUnknownProductDecidesNothingAndSkipsTheExplanation(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode context = run(client, "PROD-999", "skipped");

    for (String lookup : LOOKUPS) {
      assertThat(context.path(lookup + "_count").asInt()).as(lookup + "_count").isZero();
      assertThat(context.path(lookup + "_result")).as(lookup + "_result").isEmpty();
    }
    for (String unset :
        List.of("should_order", "order_qty", "decision", "available_qty", "reorder_point")) {
      assertThat(context.has(unset)).as("%s is not assigned", unset).isFalse();
    }
    assertThat(context.has("explain_content")).isFalse();
  }

  /** Executes the graph for one product; checks the node states; returns the final context. */
  private static JsonNode run(FleetClient client, String product, String explainStatus) {
    JsonNode execution = client.run(graphId, Map.of("product_id", product));
    String executionId = execution.path("id").asText();
    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    for (String lookup : LOOKUPS) {
      assertThat(execution.at("/nodes/" + lookup + "/status").asText())
          .as("%s: %s", lookup, execution)
          .isEqualTo("completed");
      assertThat(execution.at("/nodes/" + lookup + "/node_type").asText())
          .isEqualTo("PostgresNode");
      FleetClient.assertRanAfter(execution, "decide", lookup);
    }
    assertThat(execution.at("/nodes/decide/status").asText()).isEqualTo("completed");
    assertThat(execution.at("/nodes/explain/status").asText())
        .as("explain for %s", product)
        .isEqualTo(explainStatus);
    if (explainStatus.equals("completed")) {
      FleetClient.assertRanAfter(execution, "explain", "decide");
    } else {
      assertThat(execution.at("/nodes/explain/attempts").asInt()).isZero();
    }
    JsonNode results = client.results(executionId);
    assertThat(results.path("status").asText()).isEqualTo("completed");
    JsonNode context = results.path("context");
    assertThat(context.path("product_id").asText()).isEqualTo(product);
    return context;
  }

  private static void assertExplained(JsonNode context, String product) {
    String content = context.path("explain_content").asText();
    assertThat(content).as("explain_content").startsWith("[emulator] Product " + product + ":");
    assertThat(context.at("/explain_result/content").asText()).isEqualTo(content);
  }

  private static void assertNumber(JsonNode context, String fact, double expected) {
    JsonNode value = context.path(fact);
    assertThat(value.isNumber()).as("%s is a number: %s", fact, value).isTrue();
    assertThat(value.asDouble()).as(fact).isEqualTo(expected);
  }

  /** The README: values computed from decimals come back as decimals (48.0, 972.0). */
  private static void assertDecimal(JsonNode context, String fact, double expected) {
    assertNumber(context, fact, expected);
    assertThat(context.path(fact).isFloatingPointNumber())
        .as("%s is a decimal: %s", fact, context.path(fact))
        .isTrue();
  }

  private static List<String> log(JsonNode context) {
    List<String> lines = new ArrayList<>();
    context.at("/decide_result/log").forEach(line -> lines.add(line.asText()));
    return lines;
  }
}
