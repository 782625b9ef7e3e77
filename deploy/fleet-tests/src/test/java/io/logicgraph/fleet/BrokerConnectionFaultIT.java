package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every broker connection of the fleet's virtual host force-closed three times in the middle of a
 * load (spec 04, "Broker discipline": topology and consumers restored after reconnects): nothing
 * accepted is lost, nothing applied twice.
 */
@ExtendWith(FleetExtension.class)
class BrokerConnectionFaultIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final FaultWorkload.Size SIZE = FaultWorkload.Size.current();

  private static FaultWorkload workload;

  @BeforeAll
  static void prepare(Fleet fleet) {
    workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
  }

  @Test
  void brokerConnectionsForceClosedSeveralTimes(Fleet fleet) {
    try (FaultBroker broker = new FaultBroker(fleet)) {
      FaultWorkload.Run run = workload.start("close", SIZE.executions(), SIZE.perSecond());
      run.awaitAccepted(SIZE.executions() / 4);
      int closed = 0;
      for (int i = 0; i < 3; i++) {
        closed += broker.closeAllConnections();
        FaultWorkload.pause(Duration.ofSeconds(2));
      }
      Instant faultEnded = Instant.now();
      System.out.println("  connections force-closed: " + closed);
      for (int i = 0; i < 5; i++) {
        System.out.println("  consumers per queue: " + broker.consumers());
        FaultWorkload.pause(Duration.ofSeconds(2));
      }
      assertThat(closed).as("connections closed").isGreaterThanOrEqualTo(5);
      FaultLedger.settle(
              "all broker connections force-closed x3",
              run,
              FaultLedger.WORKLOAD,
              faultEnded,
              RECOVERY_BOUND)
          .assertClean();
      // Every service reconnected (its readiness includes its broker link) and consumes again.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> List.of(Service.values()).stream().allMatch(fleet::ready));
    }
  }
}
