package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retries exhausted: the datasource stays unreachable, so after max_attempts retryable failures the
 * node fails with the last error, the execution fails and the downstream node is cancelled.
 */
@ExtendWith(FleetExtension.class)
class RetryExhaustedIT {

  @Test
  void theNodeFailsAfterMaxAttemptsWithTheLastError(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("retry-exhausted.yaml"));

    JsonNode execution;
    String executionId;
    fleet.cutRemoteLink();
    try {
      executionId = client.start(graphId, Map.of("product_id", "P-100", "quantity", 3));
      execution = client.awaitTerminal(executionId, Duration.ofSeconds(30));
    } finally {
      fleet.restoreRemoteLink();
    }

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).as("execution error").isEqualTo("E002");
    JsonNode lookup = execution.at("/nodes/lookup");
    assertThat(lookup.path("status").asText()).isEqualTo("failed");
    assertThat(lookup.path("attempts").asInt()).as("attempts = max_attempts").isEqualTo(3);
    assertThat(lookup.at("/error/code").asText()).as("last error: %s", lookup).isEqualTo("E002");
    assertThat(lookup.at("/error/retryable").asBoolean()).isTrue();
    assertThat(lookup.at("/error/message").asText()).contains("remote_db");
    JsonNode enough = execution.at("/nodes/enough");
    assertThat(enough.path("status").asText()).as("%s", enough).isEqualTo("cancelled");
    assertThat(enough.path("attempts").asInt()).isZero();

    List<EventStream.Event> events = EventStream.replay(fleet, executionId);
    List<EventStream.Event> retrying = EventStream.of(events, "node_retrying", "lookup");
    assertThat(retrying).as("node_retrying events in %s", events).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode data = retrying.get(i).json();
      assertThat(data.path("attempt").asInt()).as("%s", data).isEqualTo(i + 1);
      assertThat(data.at("/error/code").asText()).as("%s", data).isEqualTo("E002");
    }
    List<EventStream.Event> nodeFailed = EventStream.of(events, "node_failed", "lookup");
    assertThat(nodeFailed).as("node_failed in %s", events).hasSize(1);
    assertThat(nodeFailed.get(0).json().path("attempt").asInt()).isEqualTo(3);
    assertThat(nodeFailed.get(0).json().at("/error/code").asText()).isEqualTo("E002");
    assertThat(EventStream.of(events, "node_cancelled", "enough")).as("%s", events).hasSize(1);
    EventStream.Event last = events.get(events.size() - 1);
    assertThat(last.name()).as("%s", events).isEqualTo("execution_finished");
    assertThat(last.json().path("status").asText()).isEqualTo("failed");
    assertThat(last.json().at("/error/code").asText()).isEqualTo("E002");

    List<Map<String, Object>> attempts = client.attempts(executionId, "lookup");
    assertThat(attempts).extracting(a -> a.get("attempt")).containsExactly(1, 2, 3);
    for (Map<String, Object> attempt : attempts) {
      assertThat(attempt.get("outcome")).as("%s", attempt).isEqualTo("failed");
      assertThat(FleetClient.json((String) attempt.get("error")).path("code").asText())
          .isEqualTo("E002");
    }
  }
}
