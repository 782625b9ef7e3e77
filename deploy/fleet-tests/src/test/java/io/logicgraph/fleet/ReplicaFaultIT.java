package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two orchestrator replicas on one fleet (spec 04, "Joins are exact" and item 1): both consume the
 * same queues; a join of twenty parents whose results the two apply at the same time is dispatched
 * once; killing one replica mid-load loses nothing.
 */
@ExtendWith(FleetExtension.class)
class ReplicaFaultIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final String REPLICA = "orchestrator-2";
  private static final FaultWorkload.Size SIZE = FaultWorkload.Size.current();

  private static FaultWorkload workload;
  private static FaultWorkload joins;
  private static Fleet started;

  @BeforeAll
  static void startSecondReplica(Fleet fleet) {
    workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
    joins = FaultWorkload.prepare(fleet, "fault-join20.yaml");
    fleet.startReplica(Service.ORCHESTRATOR, REPLICA);
    started = fleet;
  }

  @AfterAll
  static void stopSecondReplica() {
    if (started != null) {
      started.killReplica(REPLICA);
    }
  }

  @Test
  void twoReplicasRacingOnATwentyParentJoinDispatchItOnce(Fleet fleet) {
    FaultWorkload.Run run = joins.start("join20", SIZE.joinExecutions(), SIZE.perSecond());
    run.awaitSubmitted();
    FaultLedger.Report report =
        FaultLedger.settle(
            "two replicas racing on a 20-parent join",
            run,
            FaultLedger.JOIN20,
            Instant.now(),
            RECOVERY_BOUND);
    report.assertClean();
    // No process died, so no task was redelivered: the join's effect ran exactly once each.
    assertThat(report.reruns()).as("join dispatched more than once").isZero();
    List<Map<String, Object>> joinAttempts =
        fleet
            .database("state")
            .rows(
                "SELECT count(*) AS n, max(attempt) AS max FROM node_attempts a"
                    + " JOIN graph_executions e ON e.id = a.execution_id"
                    + " WHERE a.node_id = 'join' AND e.graph_id = ?::uuid",
                joins.graphId());
    assertThat(((Number) joinAttempts.get(0).get("n")).intValue())
        .as("one join attempt per execution")
        .isEqualTo(SIZE.joinExecutions());
    assertThat(((Number) joinAttempts.get(0).get("max")).intValue()).isEqualTo(1);
  }

  @Test
  void oneOfTwoReplicasKilledMidLoad(Fleet fleet) {
    FaultWorkload.Run run = workload.start("replica-kill", SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    fleet.killReplica(REPLICA);
    Instant faultEnded = Instant.now(); // the other replica carries on alone
    FaultLedger.settle(
            "kill -9 one of two orchestrator replicas",
            run,
            FaultLedger.WORKLOAD,
            faultEnded,
            RECOVERY_BOUND)
        .assertClean();
    fleet.startReplica(REPLICA);
  }
}
