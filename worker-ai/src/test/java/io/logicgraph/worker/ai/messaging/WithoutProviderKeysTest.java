package io.logicgraph.worker.ai.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A worker with no provider key starts, is ready, and fails keyed providers' nodes with E004. */
@QuarkusTest
@TestProfile(WithoutProviderKeysTest.NoKeys.class)
class WithoutProviderKeysTest {
  /** The emulator and the broker, but no OPENAI_API_KEY and no ANTHROPIC_API_KEY. */
  public static class NoKeys implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(AiTestResource.class, Map.of("keys", "none")));
    }

    @Override
    public boolean disableGlobalTestResources() {
      return true;
    }
  }

  private static TestBroker broker;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @BeforeAll
  static void connect() throws Exception {
    broker = new TestBroker();
  }

  @AfterAll
  static void disconnect() throws Exception {
    broker.close();
  }

  @Test
  void theWorkerStartsAndKeyedProvidersFailPermanentlyWithE004() throws Exception {
    given().baseUri(management.toString()).get("health").then().statusCode(200);
    given().baseUri(management.toString()).get("ready").then().statusCode(200);

    expectNotConfigured(NodeType.CLAUDE, null, "anthropic", "ANTHROPIC_API_KEY");
    expectNotConfigured(NodeType.AI, "anthropic", "anthropic", "ANTHROPIC_API_KEY");
    expectNotConfigured(NodeType.OPENAI, null, "openai", "OPENAI_API_KEY");

    // Ollama needs no key.
    NodeTask ollama =
        TaskFlowTest.task(
            "local",
            NodeType.OLLAMA,
            Json.MAPPER.createObjectNode().put("prompt", "no key needed"),
            Json.MAPPER.createObjectNode());
    broker.publishTask(ollama);
    NodeResult result = TaskFlowTest.awaitResult(broker, ollama);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().get("local_content").asText()).isEqualTo("[emulator] no key needed");
  }

  private static void expectNotConfigured(
      NodeType type, String provider, String name, String setting) throws Exception {
    ObjectNode config = Json.MAPPER.createObjectNode().put("prompt", "hi");
    if (provider != null) {
      config.put("provider", provider);
    }
    NodeTask task = TaskFlowTest.task("ask", type, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);
    NodeResult result = TaskFlowTest.awaitResult(broker, task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.FAILED);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E004);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().nodeId()).isEqualTo("ask");
    assertThat(result.error().message())
        .isEqualTo("provider " + name + " is not configured (set " + setting + ")");
  }
}
