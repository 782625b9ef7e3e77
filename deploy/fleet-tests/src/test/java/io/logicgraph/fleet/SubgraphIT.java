package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SubgraphNode: a stored graph runs as a child execution of one node (inputs and outputs mapped),
 * visible among the child graph's executions; a child that fails fails its node and the parent; a
 * graph id that names no stored graph fails the node with E004.
 */
@ExtendWith(FleetExtension.class)
class SubgraphIT {
  private static String childId;
  private static String parentId;

  @BeforeAll
  static void submit(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    childId = client.submit(FleetClient.graph("subgraph-child.yaml"));
    parentId =
        client.submit(FleetClient.graph("subgraph-parent.yaml").replace("CHILD_GRAPH_ID", childId));
  }

  @Test
  void theChildGraphRunsAsAnExecutionAndItsOutputsAreMapped(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);

    JsonNode execution = client.run(parentId, Map.of("product_id", "P-100", "tier", "gold"));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    assertThat(execution.at("/nodes/discount/node_type").asText()).isEqualTo("SubgraphNode");
    assertThat(execution.at("/nodes/discount/status").asText()).isEqualTo("completed");
    FleetClient.assertRanAfter(execution, "confirm", "discount");
    JsonNode context = client.results(execution.path("id").asText()).path("context");
    assertThat(context.path("order_total").asDouble()).isCloseTo(14.8, within(1e-9));
    assertThat(context.path("savings").asDouble()).isCloseTo(3.7, within(1e-9));
    assertThat(context.path("discount_result").path("order_total").asDouble())
        .isCloseTo(14.8, within(1e-9));
    assertThat(context.path("discount_result").path("savings").asDouble())
        .isCloseTo(3.7, within(1e-9));
    assertThat(context.path("confirm_result").asBoolean()).isTrue();
    assertThat(context.has("final_price")).as("child keys stay in the child").isFalse();

    Response children = fleet.api().when().get("/graphs/{id}/executions", childId);
    assertThat(children.statusCode()).isEqualTo(200);
    JsonNode items = FleetClient.json(children.asString()).path("items");
    assertThat(items).as("executions of the child graph: %s", items).hasSize(1);
    String childExecution = items.get(0).path("id").asText();
    JsonNode child = client.results(childExecution);
    assertThat(child.path("status").asText()).isEqualTo("completed");
    assertThat(child.at("/context/base_price").asDouble()).isEqualTo(18.5);
    assertThat(child.at("/context/customer_tier").asText()).isEqualTo("gold");
    assertThat(child.at("/context/final_price").asDouble()).isCloseTo(14.8, within(1e-9));
  }

  @Test
  void anUnknownChildGraphFailsTheNodeWithE004(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String orphan =
        client.submit(
            FleetClient.graph("subgraph-parent.yaml")
                .replace("CHILD_GRAPH_ID", UUID.randomUUID().toString())
                .replace("fleet-order-with-subgraph", "fleet-order-with-a-missing-subgraph"));

    JsonNode execution = client.run(orphan, Map.of("product_id", "P-100", "tier", "gold"));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/status").asText()).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/error/code").asText()).isEqualTo("E004");
    assertThat(execution.at("/nodes/confirm/status").asText()).isEqualTo("cancelled");
  }

  @Test
  void aChildThatFailsFailsItsNodeAndTheParent(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String failingChild = client.submit(FleetClient.graph("subgraph-failing-child.yaml"));
    String parent =
        client.submit(
            FleetClient.graph("subgraph-parent.yaml")
                .replace("CHILD_GRAPH_ID", failingChild)
                .replace("fleet-order-with-subgraph", "fleet-order-with-a-failing-subgraph"));

    JsonNode execution = client.run(parent, Map.of("product_id", "P-100", "tier", "gold"));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/status").asText()).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/error/code").asText()).isEqualTo("E001");
    assertThat(execution.at("/nodes/confirm/status").asText()).isEqualTo("cancelled");

    Response children = fleet.api().when().get("/graphs/{id}/executions", failingChild);
    JsonNode items = FleetClient.json(children.asString()).path("items");
    assertThat(items).as("executions of the failing child graph: %s", items).hasSize(1);
    JsonNode child = client.execution(items.get(0).path("id").asText());
    assertThat(child.path("status").asText()).isEqualTo("failed");
    assertThat(child.at("/nodes/boom/error/code").asText()).isEqualTo("E003");
    assertThat(execution.at("/nodes/discount/error/message").asText())
        .as("the parent's error names the child execution")
        .contains(items.get(0).path("id").asText());
  }
}
