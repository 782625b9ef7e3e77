package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.logicgraph.model.testing.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Infrastructure faults (spec 04, items 1, 5, 6 and 9) on a fleet of its own whose RabbitMQ, Redis
 * and PostgreSQL are private servers started for this class ({@link PrivateInfrastructure}): the
 * shared servers other suites use are never touched. RabbitMQ killed and restarted, Redis flushed,
 * Redis killed and restarted, PostgreSQL stopped for 20 s, each in the middle of a load.
 */
class InfrastructureFaultIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(180);
  private static final FaultWorkload.Size SIZE = FaultWorkload.Size.current();

  private static PrivateInfrastructure infra;
  private static Fleet fleet;
  private static FaultWorkload workload;

  @BeforeAll
  static void start() {
    String name = TestInfrastructure.namespaced("faults", '-');
    infra = PrivateInfrastructure.start(name);
    try {
      fleet =
          Fleet.builder()
              .name(TestInfrastructure.namespaced("fault-infra", '-'))
              .logDirectory(java.nio.file.Path.of("target", "fleet-logs", "infra"))
              .endpoints(infra.endpoints())
              .start();
    } catch (RuntimeException e) {
      infra.close();
      throw e;
    }
    workload = FaultWorkload.prepare(fleet, "fault-workload.yaml");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (infra != null) {
      infra.close();
    }
  }

  @AfterEach
  void noServiceDied(TestInfo test) {
    List<String> deaths = fleet.unexpectedDeaths();
    if (!deaths.isEmpty()) {
      throw new AssertionError(
          "fleet process died during " + test.getDisplayName() + ":\n" + String.join("\n", deaths));
    }
  }

  @Test
  void rabbitmqKilledAndRestarted() {
    FaultWorkload.Run run = workload.start("rabbit", SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    infra.killRabbit();
    FaultWorkload.pause(Duration.ofSeconds(5));
    infra.startRabbit();
    settle("kill -9 RabbitMQ, restarted after 5 s", run, Instant.now());
  }

  @Test
  void redisFlushed() {
    FaultWorkload.Run run = workload.start("flush", SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    infra.flushRedis();
    settle("Redis FLUSHALL", run, Instant.now());
  }

  @Test
  void redisKilledAndRestarted() {
    FaultWorkload.Run run = workload.start("redis", SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    infra.killRedis();
    FaultWorkload.pause(Duration.ofSeconds(3));
    infra.startRedis();
    settle("kill -9 Redis, restarted empty after 3 s", run, Instant.now());
  }

  @Test
  void postgresStoppedForTwentySeconds() {
    FaultWorkload.Run run = workload.start("postgres", SIZE.executions(), SIZE.perSecond());
    run.awaitAccepted(SIZE.executions() / 3);
    infra.stopPostgres();
    FaultWorkload.pause(Duration.ofSeconds(20));
    infra.startPostgres();
    settle("PostgreSQL stopped for 20 s", run, Instant.now());
  }

  private static void settle(String fault, FaultWorkload.Run run, Instant faultEnded) {
    try {
      FaultLedger.Report report =
          FaultLedger.settle(fault, run, FaultLedger.WORKLOAD, faultEnded, RECOVERY_BOUND);
      report.assertClean();
      assertThat(fleet.unexpectedDeaths()).isEmpty();
    } catch (AssertionError | RuntimeException e) {
      System.err.println("===== " + fault + " failed; the fleet's logs end with: =====");
      fleet.printLogTails(System.err, 40);
      throw e;
    }
  }
}
