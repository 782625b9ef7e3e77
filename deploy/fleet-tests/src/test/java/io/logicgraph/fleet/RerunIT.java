package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Re-run after a fixed failure: a node fails because its table is missing (E001, permanent); the
 * table is created; POST /executions/{id}/retry re-runs the failed node and the cancelled one after
 * it, reusing the completed node's output (not run again), and the execution completes.
 */
@ExtendWith(FleetExtension.class)
class RerunIT {

  @Test
  void retryRerunsOnlyWhatFailedOrWasCancelled(Fleet fleet) {
    FleetDatabase shop = fleet.database(Fleet.SHOP_DB);
    shop.execute("DROP TABLE IF EXISTS restock_plans");
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("rerun.yaml"));

    JsonNode failed = client.run(graphId, Map.of("product_id", "P-200", "quantity", 2));
    String executionId = failed.path("id").asText();
    assertThat(failed.path("status").asText()).as("%s", failed).isEqualTo("failed");
    assertThat(failed.at("/nodes/plan/status").asText()).isEqualTo("failed");
    assertThat(failed.at("/nodes/plan/error/code").asText()).isEqualTo("E001");
    assertThat(failed.at("/nodes/plan/error/message").asText()).contains("restock_plans");
    assertThat(failed.at("/nodes/confirm/status").asText()).isEqualTo("cancelled");
    assertThat(failed.at("/nodes/validate/status").asText()).isEqualTo("completed");
    String validateStarted = failed.at("/nodes/validate/started_at").asText();

    shop.execute(
        "CREATE TABLE restock_plans (product_id text PRIMARY KEY, supplier text NOT NULL)",
        "INSERT INTO restock_plans VALUES ('P-200', 'Acme Components')");

    Response retry = client.retry(executionId);
    assertThat(retry.statusCode()).as("POST retry: %s", retry.asString()).isEqualTo(202);
    assertThat(FleetClient.json(retry.asString()).path("execution_id").asText())
        .isEqualTo(executionId);
    JsonNode execution =
        client.awaitExecution(
            executionId,
            Duration.ofSeconds(30),
            e ->
                e.at("/nodes/plan/attempts").asInt() >= 2
                    && FleetClient.TERMINAL.contains(e.path("status").asText()));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    assertThat(FleetClient.absent(execution.path("error"))).isTrue();
    JsonNode validate = execution.at("/nodes/validate");
    assertThat(validate.path("attempts").asInt()).as("validate not re-run").isEqualTo(1);
    assertThat(validate.path("started_at").asText()).isEqualTo(validateStarted);
    assertThat(execution.at("/nodes/plan/status").asText()).isEqualTo("completed");
    assertThat(execution.at("/nodes/plan/attempts").asInt()).isEqualTo(2);
    assertThat(execution.at("/nodes/confirm/status").asText()).isEqualTo("completed");
    assertThat(execution.at("/nodes/confirm/attempts").asInt()).isEqualTo(1);
    assertThat(client.attempts(executionId, "validate")).hasSize(1);
    assertThat(client.attempts(executionId, "plan"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("failed", "succeeded");

    JsonNode context = client.results(executionId).path("context");
    assertThat(context.path("plan_result"))
        .isEqualTo(FleetClient.json("[{\"supplier\": \"Acme Components\"}]"));
    assertThat(context.path("confirm_result").asBoolean()).isTrue();
    assertThat(context.path("validate_result").asBoolean()).isTrue();

    // The stream goes on past the first execution_finished because a retry followed it.
    List<EventStream.Event> events = EventStream.replay(fleet, executionId);
    EventStream.Event last = events.get(events.size() - 1);
    assertThat(last.name()).as("%s", events).isEqualTo("execution_finished");
    assertThat(last.json().path("status").asText()).as("%s", events).isEqualTo("completed");
    List<EventStream.Event> planCompleted = EventStream.of(events, "node_completed", "plan");
    assertThat(planCompleted).as("%s", events).hasSize(1);
    assertThat(planCompleted.get(0).json().path("attempt").asInt()).isEqualTo(2);
    assertThat(EventStream.of(events, "node_queued", "validate")).as("%s", events).hasSize(1);

    Response again = client.retry(executionId);
    assertThat(again.statusCode())
        .as("retry of a completed execution: %s", again.asString())
        .isEqualTo(409);
  }
}
