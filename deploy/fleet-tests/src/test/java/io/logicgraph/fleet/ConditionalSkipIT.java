package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.absent;
import static io.logicgraph.fleet.FleetClient.assertRanAfter;
import static io.logicgraph.fleet.FleetClient.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conditional edges: the branch whose condition holds runs, the other is skipped, the skip
 * propagates to the branch's follower, and the join after both branches still runs.
 */
@ExtendWith(FleetExtension.class)
class ConditionalSkipIT {
  private static final List<String> NODES =
      List.of("classify", "large_order", "large_review", "small_order", "small_ship", "summary");

  private static String graphId;

  @BeforeAll
  static void submit(Fleet fleet) {
    graphId = new FleetClient(fleet).submit(FleetClient.graph("conditional-skip.yaml"));
  }

  @Test
  void aLargeAmountTakesTheLargeBranchAndSkipsTheSmallOne(Fleet fleet) {
    assertBranch(
        new FleetClient(fleet),
        500,
        List.of("large_order", "large_review"),
        List.of("small_order", "small_ship"));
  }

  @Test
  void aSmallAmountTakesTheSmallBranchAndSkipsTheLargeOne(Fleet fleet) {
    assertBranch(
        new FleetClient(fleet),
        50,
        List.of("small_order", "small_ship"),
        List.of("large_order", "large_review"));
  }

  private static void assertBranch(
      FleetClient client, int amount, List<String> taken, List<String> skipped) {
    JsonNode execution = client.run(graphId, Map.of("amount", amount));
    String executionId = execution.path("id").asText();

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    assertThat(absent(execution.path("error"))).isTrue();
    JsonNode nodes = execution.path("nodes");
    assertThat(fieldNames(nodes)).containsExactlyInAnyOrderElementsOf(NODES);
    for (String id : List.of("classify", taken.get(0), taken.get(1), "summary")) {
      assertThat(nodes.path(id).path("status").asText())
          .as("%s: %s", id, nodes.path(id))
          .isEqualTo("completed");
      assertThat(nodes.path(id).path("attempts").asInt()).as("attempts of %s", id).isEqualTo(1);
    }
    for (String id : skipped) {
      JsonNode node = nodes.path(id);
      assertThat(node.path("status").asText()).as("%s: %s", id, node).isEqualTo("skipped");
      assertThat(node.path("attempts").asInt()).as("attempts of %s", id).isZero();
      assertThat(absent(node.path("started_at"))).as("%s never started", id).isTrue();
      assertThat(absent(node.path("error"))).as("error of %s", id).isTrue();
    }
    assertRanAfter(execution, taken.get(0), "classify");
    assertRanAfter(execution, taken.get(1), taken.get(0));
    assertRanAfter(execution, "summary", taken.get(1));

    JsonNode results = client.results(executionId);
    ObjectNode expected = FleetClient.JSON.createObjectNode();
    expected.put("amount", amount);
    expected.put("classify_result", amount > 100);
    expected.put(taken.get(0) + "_result", true);
    expected.put(taken.get(1) + "_result", true);
    expected.put("summary_result", true);
    assertThat(results.path("context")).isEqualTo(expected);
    for (String id : skipped) {
      assertThat(results.path("outputs").has(id)).as("outputs lists %s", id).isTrue();
      assertThat(results.path("outputs").path(id).isNull()).as("output of %s", id).isTrue();
    }
  }
}
