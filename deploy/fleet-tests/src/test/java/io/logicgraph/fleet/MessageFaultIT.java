package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults of the messages rather than the processes (spec 04, "Delivery and state" 2 and 3): every
 * result delivered twice, a task queue purged, and a result of an expired attempt arriving late.
 */
@ExtendWith(FleetExtension.class)
class MessageFaultIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final FaultWorkload.Size SIZE = FaultWorkload.Size.current();

  private static FaultWorkload workload;

  @BeforeAll
  static void prepare(Fleet fleet) {
    workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
  }

  @Test
  void everyResultDeliveredTwiceIsAppliedOnce(Fleet fleet) {
    try (FaultBroker broker = new FaultBroker(fleet)) {
      AtomicInteger duplicates = broker.duplicateResults();
      FaultWorkload.Run run = workload.start("dup", SIZE.executions(), SIZE.perSecond());
      run.awaitSubmitted();
      FaultLedger.Report report =
          FaultLedger.settle(
              "every result duplicated", run, FaultLedger.WORKLOAD, Instant.now(), RECOVERY_BOUND);
      System.out.println("  duplicated results published: " + duplicates.get());
      report.assertClean();
      // 6 nodes per execution, each result copied once
      assertThat(duplicates.get())
          .as("duplicates sent")
          .isGreaterThanOrEqualTo(6 * SIZE.executions());
    }
  }

  @Test
  void purgedTaskQueueIsRedispatchedByTheReconciler(Fleet fleet) {
    try (FaultBroker broker = new FaultBroker(fleet)) {
      fleet.stop(Service.WORKER_DB);
      FaultWorkload.Run run;
      int purged;
      try {
        run = workload.start("purge", SIZE.executions(), SIZE.perSecond());
        run.awaitSubmitted();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> broker.ready("node.db.tasks") >= SIZE.executions());
        // The broker's answer to the purge says how many tasks it dropped (the management API's
        // counts lag, and the reconciler may already be dispatching expired attempts again).
        purged = broker.purge("node.db.tasks");
        assertThat(purged)
            .as("tasks dropped by the purge")
            .isGreaterThanOrEqualTo(SIZE.executions());
      } finally {
        fleet.start(Service.WORKER_DB);
      }
      Instant faultEnded = Instant.now();
      System.out.println("  tasks purged: " + purged);
      FaultLedger.Report report =
          FaultLedger.settle(
              "task queue node.db.tasks purged",
              run,
              FaultLedger.WORKLOAD,
              faultEnded,
              RECOVERY_BOUND);
      report.assertClean();
      assertThat(report.timedOutAttempts())
          .as("the purged tasks' attempts expired and were dispatched again")
          .isGreaterThanOrEqualTo(purged);
    }
  }

  @Test
  void aResultOfAnExpiredAttemptChangesNothing(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("fault-stale.yaml"));
    String wid = "stale-" + System.nanoTime();
    String executionId;
    try (FaultBroker broker = new FaultBroker(fleet)) {
      fleet.stop(Service.WORKER_AI);
      try {
        executionId = client.start(graphId, Map.of("wid", wid));
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> !client.attempts(executionId, "ask").isEmpty());
        assertThat(client.attempts(executionId, "ask").get(0).get("outcome"))
            .isEqualTo("timed_out");
        // The late result of the expired attempt 1, claiming success with its own output.
        broker.publish(FaultBroker.RESULTS, staleResult(executionId, 1, "succeeded"));
        FaultWorkload.pause(Duration.ofSeconds(2));
        JsonNode meanwhile = client.execution(executionId);
        assertThat(meanwhile.path("status").asText()).as("%s", meanwhile).isEqualTo("running");
        assertThat(meanwhile.at("/nodes/ask/status").asText()).isNotEqualTo("completed");
      } finally {
        fleet.start(Service.WORKER_AI);
      }
      Instant faultEnded = Instant.now();
      JsonNode done = client.awaitTerminal(executionId, RECOVERY_BOUND);
      long recovery = Duration.between(faultEnded, Instant.now()).toMillis();
      assertThat(done.path("status").asText()).as("%s", done).isEqualTo("completed");
      String answer =
          client.llmAnswer(
              "gpt-4o-mini", "You are a terse ledger clerk.", "Stale check " + wid + ".", 0, 20);
      JsonNode context = client.results(executionId).path("context");
      assertThat(context.path("ask_content").asText()).isEqualTo(answer);
      assertThat(context.path("after_result").asBoolean()).isTrue();
      List<Map<String, Object>> attempts = client.attempts(executionId, "ask");
      assertThat(attempts.get(0).get("outcome")).as("%s", attempts).isEqualTo("timed_out");
      assertThat(attempts.stream().filter(a -> "succeeded".equals(a.get("outcome"))).count())
          .as("%s", attempts)
          .isEqualTo(1);

      // After completion: the stale attempt again (now failing) and a copy of the applied one.
      int applied =
          ((Number)
                  attempts.stream()
                      .filter(a -> "succeeded".equals(a.get("outcome")))
                      .findFirst()
                      .orElseThrow()
                      .get("attempt"))
              .intValue();
      broker.publish(FaultBroker.RESULTS, staleResult(executionId, 1, "failed"));
      broker.publish(FaultBroker.RESULTS, staleResult(executionId, applied, "failed"));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(6))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                JsonNode now = client.execution(executionId);
                assertThat(now.path("status").asText()).isEqualTo("completed");
                assertThat(now.at("/nodes/ask/status").asText()).isEqualTo("completed");
                assertThat(client.results(executionId).at("/context/ask_content").asText())
                    .isEqualTo(answer);
                assertThat(client.attempts(executionId, "ask")).isEqualTo(attempts);
              });
      System.out.printf(
          "FAULT stale result of an expired attempt: applied=0 (attempt %d applied, %d attempts)"
              + " recovery_ms=%d%n",
          applied, attempts.size(), recovery);
    }
  }

  private static String staleResult(String executionId, int attempt, String outcome) {
    Instant now = Instant.now();
    String body =
        "succeeded".equals(outcome)
            ? "\"output\":{\"ask_content\":\"STALE\",\"ask_result\":\"STALE\"}"
            : "\"error\":{\"code\":\"E008\",\"message\":\"stale failure\",\"retryable\":false}";
    return "{\"schema_version\":1,\"execution_id\":\""
        + executionId
        + "\",\"node_id\":\"ask\",\"attempt\":"
        + attempt
        + ",\"outcome\":\""
        + outcome
        + "\","
        + body
        + ",\"started_at\":\""
        + now.minusMillis(5)
        + "\",\"completed_at\":\""
        + now
        + "\",\"worker_id\":\"fault-suite\"}";
  }
}
