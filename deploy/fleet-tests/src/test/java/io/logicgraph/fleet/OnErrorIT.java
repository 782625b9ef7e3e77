package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code on_error}: a node failing permanently (E003, division by zero) with {@code continue} lets
 * its child run with {@code <id>_result: null}; with {@code fail} the execution fails and the child
 * is cancelled.
 */
@ExtendWith(FleetExtension.class)
class OnErrorIT {
  private static final Map<String, Object> CONTEXT = Map.of("quantity", 4, "zero", 0);

  @Test
  void continueRunsTheChildWithANullResult(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("on-error-continue.yaml"));

    JsonNode execution = client.run(graphId, CONTEXT);

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    assertThat(FleetClient.absent(execution.path("error"))).as("%s", execution).isTrue();
    JsonNode risky = execution.at("/nodes/risky");
    assertThat(risky.path("status").asText()).isEqualTo("failed");
    assertThat(risky.path("attempts").asInt()).isEqualTo(1);
    assertThat(risky.at("/error/code").asText()).isEqualTo("E003");
    assertThat(risky.at("/error/retryable").asBoolean()).isFalse();
    assertThat(execution.at("/nodes/report/status").asText()).isEqualTo("completed");
    FleetClient.assertRanAfter(execution, "report", "start");

    JsonNode results = client.results(execution.path("id").asText());
    JsonNode expected =
        FleetClient.json(
            """
            {"quantity": 4, "zero": 0, "start_result": true, "risky_result": null,
             "report_result": true}
            """);
    assertThat(results.path("context")).isEqualTo(expected);
  }

  @Test
  void failFailsTheExecutionAndCancelsTheChild(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("on-error-fail.yaml"));

    JsonNode execution = client.run(graphId, CONTEXT);

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).isEqualTo("E003");
    assertThat(execution.at("/error/node_id").asText()).isEqualTo("risky");
    assertThat(execution.at("/nodes/start/status").asText()).isEqualTo("completed");
    assertThat(execution.at("/nodes/risky/status").asText()).isEqualTo("failed");
    assertThat(execution.at("/nodes/risky/error/code").asText()).isEqualTo("E003");
    assertThat(execution.at("/nodes/risky/attempts").asInt())
        .as("a permanent error is not retried, whatever the policy")
        .isEqualTo(1);
    assertThat(client.attempts(execution.path("id").asText(), "risky"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("failed");
    JsonNode report = execution.at("/nodes/report");
    assertThat(report.path("status").asText()).as("%s", report).isEqualTo("cancelled");
    assertThat(report.path("attempts").asInt()).isZero();
    assertThat(FleetClient.absent(report.path("started_at"))).isTrue();
  }
}
