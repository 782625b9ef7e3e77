package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A poison task (spec 04, "Broker discipline" and item 7): with worker-rule's fault hook on ({@code
 * LGF_FAULT_INJECTION=true}), one execution's task halts the worker's JVM every time it is
 * delivered. A watchdog restarts the worker after each crash. The broker redelivers the task; the
 * restarted worker runs it alone and counted, and once it took two workers down that way the next
 * worker dead-letters it unrun; the orchestrator's dead-letter consumer fails the node with E011,
 * naming the reason. The workload running at the same time completes.
 */
@ExtendWith(FleetExtension.class)
class PoisonTaskFaultIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(180);
  private static final Map<String, String> FAULTS_ON = Map.of("LGF_FAULT_INJECTION", "true");

  @Test
  void aPoisonTaskEndsInTheDlqAndFailsItsNodeWhileOthersComplete(Fleet fleet) throws Exception {
    FaultWorkload workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
    FleetClient client = new FleetClient(fleet);
    String poisonGraph = client.submit(FleetClient.graph("fault-poison.yaml"));
    FaultWorkload.Size size = FaultWorkload.Size.current();
    fleet.restart(Service.WORKER_RULE, FAULTS_ON);

    AtomicBoolean watching = new AtomicBoolean(true);
    AtomicInteger crashes = new AtomicInteger();
    Thread watchdog =
        new Thread(
            () -> {
              while (watching.get()) {
                if (!fleet.isAlive(Service.WORKER_RULE)) {
                  crashes.incrementAndGet();
                  fleet.start(Service.WORKER_RULE, FAULTS_ON);
                }
                FaultWorkload.pause(Duration.ofMillis(200));
              }
            },
            "worker-rule-watchdog");
    String poisonId;
    FaultWorkload.Run run;
    JsonNode poisoned;
    Instant faultEnded;
    watchdog.start();
    try {
      run = workload.start("poison", size.executions(), size.perSecond());
      run.awaitAccepted(size.executions() / 3);
      poisonId = client.start(poisonGraph, Map.of("n", 1, "lgf_fault", "halt:boom"));
      poisoned = client.awaitTerminal(poisonId, RECOVERY_BOUND);
      faultEnded = Instant.now();
    } finally {
      watching.set(false);
      watchdog.join(60_000);
    }
    try {
      System.out.println("  worker-rule crashes: " + crashes.get());
      assertThat(poisoned.path("status").asText()).as("%s", poisoned).isEqualTo("failed");
      JsonNode boom = poisoned.at("/nodes/boom");
      assertThat(boom.path("status").asText()).isEqualTo("failed");
      assertThat(boom.at("/error/code").asText()).as("%s", boom).isEqualTo("E011");
      assertThat(boom.at("/error/message").asText())
          .contains("poison task")
          .contains("dead-lettered")
          // The worker refuses it after worker.poison-crashes alone-run crashes (rejected); without
          // Redis the queue's delivery limit would catch it (delivery_limit).
          .containsAnyOf("(rejected)", "(delivery_limit)");
      assertThat(boom.path("attempts").asInt()).as("one attempt, never retried").isEqualTo(1);
      assertThat(crashes.get())
          .as("one crash with its neighbours, then worker.poison-crashes (2) running it alone")
          .isGreaterThanOrEqualTo(3);
      List<Map<String, Object>> attempts = client.attempts(poisonId, "boom");
      assertThat(attempts).extracting(a -> a.get("outcome")).containsExactly("failed");

      FaultLedger.settle(
              "poison task (kills worker-rule)",
              run,
              FaultLedger.WORKLOAD,
              faultEnded,
              ProcessKillFaultIT.RECOVERY_BOUND)
          .assertClean();
    } finally {
      fleet.restart(Service.WORKER_RULE);
    }
  }
}
