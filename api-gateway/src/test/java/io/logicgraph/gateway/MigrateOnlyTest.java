package io.logicgraph.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The migration Job's mode: the gateway starts, Flyway migrates, the process exits 0. */
@QuarkusMainTest
@TestProfile(MigrateOnlyTest.MigrateOnlyProfile.class)
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class MigrateOnlyTest {

  /** What {@code LGF_MIGRATE_ONLY=true} sets. */
  public static class MigrateOnlyProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("gateway.migrate-only", "true");
    }
  }

  @Test
  @Launch(
      value = {},
      exitCode = 0)
  void migratesThenExitsWithoutTouchingTheBrokerOrRedis(LaunchResult result) {
    String output = result.getOutput() + result.getErrorOutput();
    assertThat(output).contains("database migrations applied; exiting (migrate-only mode)");
    assertThat(output)
        .doesNotContain("broker topology declared")
        .doesNotContain("listening for finished executions");
  }
}
