package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cancel mid-run (spec 03): POST /executions/{id}/cancel answers 202; the execution ends cancelled,
 * nothing new is dispatched (the nodes after the running one are cancelled and never start), the
 * running node finishes; cancelling an ended execution is 409, an unknown one 404.
 */
@ExtendWith(FleetExtension.class)
class CancelIT {

  @Test
  void cancellingARunningExecutionDispatchesNothingNew(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("cancel.yaml"));
    String executionId = client.start(graphId, Map.of("customer", "Ada", "product_id", "P-100"));
    client.awaitExecution(
        executionId,
        Duration.ofSeconds(10),
        e -> e.at("/nodes/slow/status").asText().matches("queued|running"));

    Response early = client.retry(executionId);
    assertThat(early.statusCode())
        .as("retry of a running execution: %s", early.asString())
        .isEqualTo(409);
    assertThat(early.contentType()).startsWith("application/problem+json");

    Response cancel = client.cancel(executionId);
    assertThat(cancel.statusCode()).as("POST cancel: %s", cancel.asString()).isEqualTo(202);
    assertThat(FleetClient.json(cancel.asString()).path("execution_id").asText())
        .isEqualTo(executionId);

    JsonNode cancelled = client.awaitTerminal(executionId, Duration.ofSeconds(15));
    assertThat(cancelled.path("status").asText()).as("%s", cancelled).isEqualTo("cancelled");

    // The running node finishes; what comes after it never starts.
    JsonNode settled =
        client.awaitExecution(
            executionId,
            Duration.ofSeconds(15),
            e -> e.at("/nodes/slow/status").asText().matches("completed|failed|cancelled"));
    assertThat(settled.path("status").asText()).isEqualTo("cancelled");
    for (String node : new String[] {"next", "last"}) {
      JsonNode state = settled.path("nodes").path(node);
      assertThat(state.path("status").asText()).as("%s: %s", node, state).isEqualTo("cancelled");
      assertThat(state.path("attempts").asInt()).as("attempts of %s", node).isZero();
      assertThat(FleetClient.absent(state.path("started_at")))
          .as("%s never started", node)
          .isTrue();
    }

    List<EventStream.Event> events = EventStream.replay(fleet, executionId);
    for (String node : List.of("next", "last")) {
      assertThat(EventStream.of(events, "node_cancelled", node)).as("%s", events).hasSize(1);
      assertThat(EventStream.of(events, "node_queued", node)).as("%s", events).isEmpty();
    }
    EventStream.Event finished = events.get(events.size() - 1);
    assertThat(finished.name()).as("%s", events).isEqualTo("execution_finished");
    assertThat(finished.json().path("status").asText()).isEqualTo("cancelled");

    Response again = client.cancel(executionId);
    assertThat(again.statusCode())
        .as("cancel of an ended execution: %s", again.asString())
        .isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    Response unknown = client.cancel(UUID.randomUUID().toString());
    assertThat(unknown.statusCode()).as("cancel of an unknown execution").isEqualTo(404);
  }
}
