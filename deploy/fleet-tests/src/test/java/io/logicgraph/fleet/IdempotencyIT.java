package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Idempotency-Key} on execute (spec 03): the same key on the same graph returns the first
 * execution instead of starting another; another key starts a new one.
 */
@ExtendWith(FleetExtension.class)
class IdempotencyIT {

  @Test
  void theSameKeyTwiceStartsOneExecution(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("idempotent.yaml"));
    String key = "order-" + UUID.randomUUID();

    Response first = client.execute(graphId, Map.of("quantity", 3), null, key);
    assertThat(first.statusCode()).as("first: %s", first.asString()).isEqualTo(202);
    String executionId = FleetClient.json(first.asString()).path("execution_id").asText();

    Response second = client.execute(graphId, Map.of("quantity", 3), null, key);
    assertThat(second.statusCode()).as("second: %s", second.asString()).isIn(200, 202);
    assertThat(FleetClient.json(second.asString()).path("execution_id").asText())
        .as("the same execution")
        .isEqualTo(executionId);

    JsonNode execution = client.awaitTerminal(executionId, Duration.ofSeconds(20));
    assertThat(execution.path("status").asText()).isEqualTo("completed");
    Response third = client.execute(graphId, Map.of("quantity", 3), null, key);
    assertThat(third.statusCode()).as("after it ended: %s", third.asString()).isIn(200, 202);
    assertThat(FleetClient.json(third.asString()).path("execution_id").asText())
        .isEqualTo(executionId);

    String other =
        FleetClient.json(
                client.execute(graphId, Map.of("quantity", 3), null, "other-" + key).asString())
            .path("execution_id")
            .asText();
    assertThat(other).isNotEqualTo(executionId);

    Response listed = fleet.api().when().get("/graphs/{id}/executions", graphId);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode body = FleetClient.json(listed.asString());
    List<String> ids = new ArrayList<>();
    body.path("items").forEach(item -> ids.add(item.path("id").asText()));
    assertThat(ids)
        .as("executions of the graph: %s", body)
        .containsExactlyInAnyOrder(executionId, other);
  }
}
