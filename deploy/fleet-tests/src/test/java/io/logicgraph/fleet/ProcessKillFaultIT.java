package io.logicgraph.fleet;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of one fleet process in the middle of a load (spec 04, "Delivery and state" 1-3): each
 * test starts the workload, kills the process once a third of it was accepted, starts it again, and
 * holds every accepted execution to the ledger: terminal with the right result, 0 lost, 0 applied
 * twice, within the recovery bound after the process is back.
 */
@ExtendWith(FleetExtension.class)
class ProcessKillFaultIT {
  /** From the killed process being ready again to every accepted execution terminal. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);

  private static FaultWorkload workload;
  private static final FaultWorkload.Size SIZE = FaultWorkload.Size.current();

  @BeforeAll
  static void prepare(Fleet fleet) {
    workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
  }

  @Test
  void orchestratorKilledMidLoad(Fleet fleet) {
    killMidLoad(fleet, Service.ORCHESTRATOR, "kill -9 orchestrator");
  }

  @Test
  void workerDbKilledMidLoad(Fleet fleet) {
    killMidLoad(fleet, Service.WORKER_DB, "kill -9 worker-db");
  }

  @Test
  void workerAiKilledMidLoad(Fleet fleet) {
    killMidLoad(fleet, Service.WORKER_AI, "kill -9 worker-ai");
  }

  @Test
  void workerRuleKilledMidLoad(Fleet fleet) {
    killMidLoad(fleet, Service.WORKER_RULE, "kill -9 worker-rule");
  }

  @Test
  void gatewayKilledMidLoad(Fleet fleet) {
    killMidLoad(fleet, Service.API_GATEWAY, "kill -9 api-gateway");
  }

  private static void killMidLoad(Fleet fleet, Service service, String fault) {
    FaultWorkload.Run run = workload.start(service.module(), SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    fleet.kill(service);
    fleet.start(service);
    Instant faultEnded = Instant.now();
    FaultLedger.settle(fault, run, FaultLedger.WORKLOAD, faultEnded, RECOVERY_BOUND).assertClean();
  }
}
