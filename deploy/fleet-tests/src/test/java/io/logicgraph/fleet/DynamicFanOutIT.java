package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dynamic fan-out ({@code over}): a node runs once per array element on its worker pool, each run
 * seeing {@code item} and {@code item_index}, and writes the list of the runs' results in the
 * array's order; an empty array gives {@code []}; a missing array fails the node with E010.
 */
@ExtendWith(FleetExtension.class)
class DynamicFanOutIT {
  private static String graphId;

  @BeforeAll
  static void submit(Fleet fleet) {
    graphId = new FleetClient(fleet).submit(FleetClient.graph("fan-out-over.yaml"));
  }

  @Test
  void eachElementRunsOnceAndTheResultsKeepTheArraysOrder(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    List<Map<String, Object>> lines =
        List.of(
            Map.of("sku", "P-100", "qty", 2),
            Map.of("sku", "P-200", "qty", 9),
            Map.of("sku", "P-300", "qty", 1),
            Map.of("sku", "P-999", "qty", 0));

    JsonNode execution = client.run(graphId, Map.of("order", Map.of("lines", lines)));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    for (String node : List.of("stock", "check", "summary")) {
      assertThat(execution.at("/nodes/" + node + "/status").asText())
          .as(node)
          .isEqualTo("completed");
    }
    FleetClient.assertRanAfter(execution, "summary", "stock");
    FleetClient.assertRanAfter(execution, "summary", "check");
    JsonNode context = client.results(execution.path("id").asText()).path("context");
    assertThat(context.path("stock_result"))
        .isEqualTo(FleetClient.json("[[{\"stock\": 42}], [{\"stock\": 5}], [{\"stock\": 0}], []]"));
    assertThat(context.path("check_result"))
        .isEqualTo(FleetClient.json("[true, true, true, false]"));
    assertThat(context.path("summary_result").asBoolean()).isTrue();
    assertThat(context.has("item")).as("item stays inside the runs").isFalse();
    assertThat(context.has("stock_count")).as("other keys of a run are not kept").isFalse();
  }

  @Test
  void anEmptyArrayCompletesAtOnceWithAnEmptyList(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode execution = client.run(graphId, Map.of("order", Map.of("lines", List.of())));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    JsonNode context = client.results(execution.path("id").asText()).path("context");
    assertThat(context.path("stock_result")).isEqualTo(FleetClient.json("[]"));
    assertThat(context.path("check_result")).isEqualTo(FleetClient.json("[]"));
    assertThat(context.path("summary_result").asBoolean()).isFalse();
  }

  @Test
  void aMissingArrayFailsTheNodeWithE010(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode execution = client.run(graphId, Map.of("order", Map.of("id", 7)));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).isEqualTo("E010");
    assertThat(execution.at("/nodes/summary/status").asText()).isEqualTo("cancelled");
  }
}
