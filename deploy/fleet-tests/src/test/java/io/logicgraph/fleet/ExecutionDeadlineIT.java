package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Execution deadline: with the gateway configured for 3 s per execution
 * (GATEWAY_EXECUTION_TIMEOUT=PT3S), a graph whose first node needs 10 s fails with E005 soon after
 * the 3 s, without waiting for the node; the node after it never runs.
 */
@ExtendWith(FleetExtension.class)
class ExecutionDeadlineIT {

  @Test
  void anExecutionPastItsDeadlineFailsWithE005(Fleet fleet) {
    JsonNode execution;
    fleet.restart(Service.API_GATEWAY, Map.of("GATEWAY_EXECUTION_TIMEOUT", "PT3S"));
    try {
      FleetClient client = new FleetClient(fleet);
      String graphId = client.submit(FleetClient.graph("execution-deadline.yaml"));
      String executionId = client.start(graphId, Map.of("customer", "Ada"));
      execution = client.awaitTerminal(executionId, Duration.ofSeconds(20));
    } finally {
      fleet.restart(Service.API_GATEWAY);
    }

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).as("%s", execution).isEqualTo("E005");
    long took =
        Duration.between(
                FleetClient.instant(execution, "created_at"),
                FleetClient.instant(execution, "completed_at"))
            .toMillis();
    assertThat(took).as("ms from acceptance to failure").isBetween(3000L, 9000L);
    assertThat(execution.at("/nodes/slow/status").asText())
        .as("the slow node is not completed: %s", execution)
        .isIn("cancelled", "failed");
    JsonNode after = execution.at("/nodes/after");
    assertThat(after.path("status").asText()).as("%s", after).isEqualTo("cancelled");
    assertThat(after.path("attempts").asInt()).isZero();
  }
}
