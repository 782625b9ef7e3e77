package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retry-then-succeed: worker-db cannot reach the datasource (the network link to it is cut), so the
 * node's attempts fail with a retryable E002; the orchestrator retries them with backoff; once the
 * link is back an attempt succeeds and the execution completes. Every attempt is recorded.
 */
@ExtendWith(FleetExtension.class)
class RetryThenSucceedIT {

  @Test
  void retryableFailuresAreRetriedWithBackoffUntilTheDatasourceIsBack(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("retry-remote.yaml"));

    String executionId;
    fleet.cutRemoteLink();
    try {
      executionId = client.start(graphId, Map.of("product_id", "P-100", "quantity", 3));
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> client.attempts(executionId, "lookup").size() >= 2);
      JsonNode meanwhile = client.execution(executionId);
      assertThat(meanwhile.path("status").asText()).as("%s", meanwhile).isEqualTo("running");
      assertThat(meanwhile.at("/nodes/lookup/status").asText())
          .as("lookup between attempts: %s", meanwhile)
          .isIn("pending", "queued", "running");
      assertThat(meanwhile.at("/nodes/enough/status").asText()).isEqualTo("pending");
    } finally {
      fleet.restoreRemoteLink();
    }

    JsonNode execution = client.awaitTerminal(executionId, Duration.ofSeconds(30));
    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    JsonNode lookup = execution.at("/nodes/lookup");
    assertThat(lookup.path("status").asText()).isEqualTo("completed");
    assertThat(lookup.path("attempts").asInt()).as("attempts of lookup").isBetween(3, 5);
    assertThat(FleetClient.absent(lookup.path("error"))).as("error of %s", lookup).isTrue();
    assertThat(execution.at("/nodes/enough/attempts").asInt()).isEqualTo(1);

    List<Map<String, Object>> attempts = client.attempts(executionId, "lookup");
    int last = lookup.path("attempts").asInt();
    assertThat(attempts)
        .extracting(a -> a.get("attempt"))
        .as("attempts recorded")
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, last).boxed().toList());
    for (Map<String, Object> attempt : attempts.subList(0, last - 1)) {
      assertThat(attempt.get("outcome")).as("%s", attempt).isEqualTo("failed");
      JsonNode error = FleetClient.json((String) attempt.get("error"));
      assertThat(error.path("code").asText()).as("%s", attempt).isEqualTo("E002");
      assertThat(error.path("retryable").asBoolean()).as("%s", attempt).isTrue();
    }
    assertThat(attempts.get(last - 1).get("outcome")).isEqualTo("succeeded");

    // backoff_ms 1000, multiplier 2, max 2000, with equal jitter: at least half of 1000, 2000,
    // 2000...
    for (int i = 1; i < attempts.size(); i++) {
      Instant failedAt = instant(attempts.get(i - 1).get("completed_at"));
      Instant nextStart = instant(attempts.get(i).get("started_at"));
      long floor = Math.min(1000L << (i - 1), 2000L) / 2;
      assertThat(Duration.between(failedAt, nextStart).toMillis())
          .as("pause before attempt %d", i + 1)
          .isGreaterThanOrEqualTo(floor);
    }

    JsonNode context = client.results(executionId).path("context");
    assertThat(context.path("lookup_result")).isEqualTo(FleetClient.json("[{\"stock\": 42}]"));
    assertThat(context.path("lookup_count").asInt()).isEqualTo(1);
    assertThat(context.path("enough_result").asBoolean()).isTrue();
  }

  static Instant instant(Object timestamp) {
    assertThat(timestamp).as("timestamp").isNotNull();
    return ((Timestamp) timestamp).toInstant();
  }
}
