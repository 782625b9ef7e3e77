package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.assertCompleted;
import static io.logicgraph.fleet.FleetClient.assertRanAfter;
import static io.logicgraph.fleet.FleetClient.assertResults;
import static io.logicgraph.fleet.FleetClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RuleNode → PostgresNode → OpenAINode → RuleNode: each node's output feeds the next. */
@ExtendWith(FleetExtension.class)
class LinearChainIT {
  private static final List<String> NODES = List.of("validate", "fetch", "describe", "approve");

  @Test
  void everyPoolInTurnBuildsTheExactFinalContext(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("linear-chain.yaml"));

    JsonNode execution =
        client.run(graphId, Map.of("product_id", "P-100", "quantity", 3, "customer", "Ada"));

    String executionId = execution.path("id").asText();
    assertCompleted(execution, graphId, NODES);
    assertThat(execution.at("/nodes/fetch/node_type").asText()).isEqualTo("PostgresNode");
    assertThat(execution.at("/nodes/describe/node_type").asText()).isEqualTo("OpenAINode");
    assertRanAfter(execution, "fetch", "validate");
    assertRanAfter(execution, "describe", "fetch");
    assertRanAfter(execution, "approve", "describe");

    String note =
        client.llmAnswer(
            "gpt-4o-mini",
            "You write one-line product notes.",
            "Write a note about Espresso beans 1 kg for customer Ada.",
            0,
            60);
    ObjectNode expected =
        (ObjectNode)
            json(
                """
                {
                  "product_id": "P-100",
                  "quantity": 3,
                  "customer": "Ada",
                  "validate_result": true,
                  "fetch_result": [
                    {"id": "P-100", "name": "Espresso beans 1 kg", "price": 18.5, "stock": 42}
                  ],
                  "fetch_count": 1,
                  "approve_result": true
                }
                """);
    expected.put("describe_content", note);
    assertResults(client.results(executionId), executionId, expected, "describe", note, NODES);
  }
}
