package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, on stand-in services (real RabbitMQ, PostgreSQL and Redis are prepared as for
 * the real fleet): start, readiness, kill, restart, death detection, logs, stop.
 */
class FleetHarnessTest {
  @TempDir static Path root;

  @BeforeAll
  static void stubServices() throws IOException, URISyntaxException {
    Path classes =
        Path.of(StubService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StubService.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
    for (Service service : Service.values()) {
      Path jar = root.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
      Files.createDirectories(jar.getParent());
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream ignored = new JarOutputStream(out, manifest)) {
        // a manifest-only jar: the stub's class comes from the Class-Path entry
      }
    }
    Path emulator = root.resolve("deploy/local/llm-emulator/LlmEmulator.java");
    Files.createDirectories(emulator.getParent());
    Files.writeString(
        emulator,
        """
        import com.sun.net.httpserver.HttpServer;
        import java.net.InetSocketAddress;

        public class LlmEmulator {
          public static void main(String[] args) throws Exception {
            HttpServer server =
                HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 0);
            server.createContext("/v1/chat/completions", exchange -> {
              byte[] body = "{\\"choices\\":[{\\"message\\":{\\"content\\":\\"stub\\"}}]}".getBytes();
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            });
            server.start();
          }
        }
        """);
  }

  private static Fleet.Builder stubFleet() {
    return Fleet.builder()
        .root(root)
        .name("fleet-harness-test")
        .logDirectory(Path.of("target", "fleet-harness-logs"))
        .readyTimeout(Duration.ofSeconds(60));
  }

  @Test
  void startsKillsRestartsAndStopsEveryProcess() throws IOException {
    long killedPid;
    Fleet fleet = stubFleet().start();
    try {
      for (Service service : Service.values()) {
        assertThat(fleet.ready(service)).as(service.module()).isTrue();
        assertThat(Files.readString(fleet.log(service))).contains("stub started");
      }
      assertThat(fleet.httpPort(Service.API_GATEWAY))
          .isNotEqualTo(fleet.managementPort(Service.API_GATEWAY));

      killedPid = fleet.pid(Service.WORKER_AI);
      fleet.kill(Service.WORKER_AI);
      assertThat(fleet.isAlive(Service.WORKER_AI)).isFalse();
      assertThat(fleet.ready(Service.WORKER_AI)).isFalse();
      assertThat(fleet.unexpectedDeaths()).as("a deliberate kill is no death").isEmpty();

      fleet.start(Service.WORKER_AI);
      assertThat(fleet.ready(Service.WORKER_AI)).isTrue();
      assertThat(fleet.pid(Service.WORKER_AI)).isNotEqualTo(killedPid);
      assertThat(Files.readString(fleet.log(Service.WORKER_AI)))
          .as("one log across restarts")
          .containsSubsequence("starting worker-ai", "stub started", "starting worker-ai");

      ProcessHandle.of(fleet.pid(Service.WORKER_RULE)).orElseThrow().destroyForcibly();
      await().until(() -> !fleet.isAlive(Service.WORKER_RULE));
      assertThat(fleet.unexpectedDeaths())
          .singleElement()
          .asString()
          .startsWith("worker-rule exited")
          .contains("stub started");
      assertThat(fleet.unexpectedDeaths()).as("reported once").isEmpty();
    } finally {
      fleet.close();
    }
    for (Service service : Service.values()) {
      assertThat(fleet.isAlive(service)).as(service.module()).isFalse();
    }
  }

  @Test
  void aServiceThatDiesAtStartFailsTheStartWithItsLog() {
    assertThatThrownBy(() -> stubFleet().env(Service.ORCHESTRATOR, "STUB_EXIT", "3").start())
        .isInstanceOf(Fleet.FleetException.class)
        .hasMessageContaining("orchestrator exited with code 3 before it was ready")
        .hasMessageContaining("stub failing at start on purpose");
  }
}
