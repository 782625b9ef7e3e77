package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Node timeout: with worker-ai stopped nobody answers the task; each attempt passes its 1 s
 * deadline, the orchestrator re-dispatches it (two extra attempts for a lost task, on top of a
 * policy of one attempt), then fails the node and the execution with E005.
 */
@ExtendWith(FleetExtension.class)
class NodeTimeoutIT {

  @Test
  void anUnansweredTaskIsRedispatchedThenFailsWithE005(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("node-timeout.yaml"));

    JsonNode execution;
    String executionId;
    fleet.stop(Service.WORKER_AI);
    try {
      executionId = client.start(graphId, Map.of("customer", "Ada"));
      execution = client.awaitTerminal(executionId, Duration.ofSeconds(45));
    } finally {
      fleet.start(Service.WORKER_AI);
    }

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).isEqualTo("E005");
    JsonNode ask = execution.at("/nodes/ask");
    assertThat(ask.path("status").asText()).isEqualTo("failed");
    assertThat(ask.path("attempts").asInt()).as("1 + 2 re-dispatches: %s", ask).isEqualTo(3);
    assertThat(ask.at("/error/code").asText()).isEqualTo("E005");
    assertThat(FleetClient.absent(ask.path("started_at"))).as("no worker ever started it").isTrue();

    List<EventStream.Event> events = EventStream.replay(fleet, executionId);
    assertThat(EventStream.of(events, "node_queued", "ask")).as("%s", events).hasSize(3);
    List<EventStream.Event> retrying = EventStream.of(events, "node_retrying", "ask");
    assertThat(retrying).as("%s", events).hasSize(2);
    assertThat(retrying)
        .allSatisfy(e -> assertThat(e.json().at("/error/code").asText()).isEqualTo("E005"));
    assertThat(EventStream.of(events, "node_failed", "ask")).as("%s", events).hasSize(1);

    List<Map<String, Object>> attempts = client.attempts(executionId, "ask");
    assertThat(attempts).extracting(a -> a.get("attempt")).containsExactly(1, 2, 3);
    assertThat(attempts).extracting(a -> a.get("outcome")).containsOnly("timed_out");

    // The restarted worker-ai finds the three expired tasks in its queue and answers them: late
    // results of superseded attempts change nothing (spec 04, "nothing is applied twice").
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                Prometheus.scrape(fleet, Service.WORKER_AI)
                        .sum("worker_tasks_processed_total", Map.of("worker_type", "ai"))
                    >= 3);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode now = client.execution(executionId);
              assertThat(now.path("status").asText()).as("%s", now).isEqualTo("failed");
              assertThat(now.at("/nodes/ask/status").asText()).isEqualTo("failed");
              assertThat(now.at("/nodes/ask/attempts").asInt()).isEqualTo(3);
              assertThat(now.at("/nodes/ask/error/code").asText()).isEqualTo("E005");
              assertThat(client.attempts(executionId, "ask"))
                  .extracting(a -> a.get("outcome"))
                  .containsExactly("timed_out", "timed_out", "timed_out");
            });
  }
}
