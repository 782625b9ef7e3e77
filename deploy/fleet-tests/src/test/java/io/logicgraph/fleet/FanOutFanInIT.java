package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.assertCompleted;
import static io.logicgraph.fleet.FleetClient.assertRanAfter;
import static io.logicgraph.fleet.FleetClient.assertResults;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** start → 20 parallel RuleNodes → join: the join runs once, after all twenty. */
@ExtendWith(FleetExtension.class)
class FanOutFanInIT {

  @Test
  void twentyParallelNodesJoinOnce(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("fan-out-fan-in.yaml"));
    List<String> branches = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      branches.add(String.format("r%02d", i));
    }
    List<String> nodes = new ArrayList<>(branches);
    nodes.add("start");
    nodes.add("join");

    JsonNode execution = client.run(graphId, Map.of("level", 10));

    String executionId = execution.path("id").asText();
    assertCompleted(execution, graphId, nodes);
    for (String branch : branches) {
      assertRanAfter(execution, branch, "start");
      assertRanAfter(execution, "join", branch);
    }
    ObjectNode expected = FleetClient.JSON.createObjectNode();
    expected.put("level", 10);
    expected.put("start_result", true);
    for (int i = 1; i <= 20; i++) {
      expected.put(branches.get(i - 1) + "_result", i <= 10);
    }
    expected.put("join_result", true);
    assertResults(client.results(executionId), executionId, expected, null, null, nodes);
    assertThat(execution.at("/nodes/join/attempts").asInt()).isEqualTo(1);
  }
}
