package io.logicgraph.worker.ai;

import static io.logicgraph.worker.ai.provider.ProviderTests.breaker;
import static io.logicgraph.worker.ai.provider.ProviderTests.bulkhead;
import static io.logicgraph.worker.ai.provider.ProviderTests.lastRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.ai.messaging.AiTestResource;
import io.logicgraph.worker.ai.provider.ProviderException;
import io.logicgraph.worker.ai.provider.Providers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NodeRunner over the real providers (breakers of its own, opening after 4 calls) against the
 * emulator: which node type reaches which API, the shared output shape, per-provider breakers.
 */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class NodeRunnerTest {
  private static final AtomicInteger RUNNERS = new AtomicInteger();
  private static final String OPENAI = "/v1/chat/completions";
  private static final String ANTHROPIC = "/v1/messages";
  private static final String OLLAMA = "/api/chat";

  @Inject Vertx vertx;
  @Inject AiConfig config;
  @Inject AiMetrics metrics;

  @ConfigProperty(name = "worker-ai.anthropic.base-url")
  String emulator;

  private NodeRunner runner;

  @BeforeEach
  void create() {
    runner =
        new NodeRunner(
            Providers.create(
                vertx,
                config,
                breaker(4, Duration.ofSeconds(60)),
                bulkhead(4, 4),
                4,
                "node-runner-test-" + RUNNERS.incrementAndGet() + "-"),
            metrics);
  }

  @Test
  void everyLlmNodeTypeReachesItsProviderAndWritesTheSameOutput() throws Exception {
    dispatch(NodeType.OPENAI, null, OPENAI);
    dispatch(NodeType.CLAUDE, null, ANTHROPIC);
    dispatch(NodeType.OLLAMA, null, OLLAMA);
    dispatch(NodeType.AI, null, OPENAI);
    dispatch(NodeType.AI, "openai", OPENAI);
    dispatch(NodeType.AI, "anthropic", ANTHROPIC);
    dispatch(NodeType.AI, "ollama", OLLAMA);
  }

  private void dispatch(NodeType type, String provider, String path) throws Exception {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("prompt", "Summarize {{order}} " + marker);
    if (provider != null) {
      config.put("provider", provider);
    }
    ObjectNode context = Json.MAPPER.createObjectNode().put("order", "A-17");
    ObjectNode output = run(task("n", type, config, context));

    String what = type.typeName() + " provider=" + provider;
    assertThat(output.toString())
        .as(what)
        .isEqualTo(
            "{\"n_result\":{\"content\":\"[emulator] Summarize A-17 "
                + marker
                + "\",\"model\":\"emulator-default\",\"finish_reason\":\"stop\","
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}},"
                + "\"n_content\":\"[emulator] Summarize A-17 "
                + marker
                + "\"}");
    JsonNode body = lastRequest(emulator, path).get("body");
    assertThat(body.toString()).as(what).contains("Summarize A-17 " + marker);
    if (path.equals(ANTHROPIC)) {
      assertThat(body.get("max_tokens").asInt()).as("configured default").isEqualTo(1024);
    }
  }

  @Test
  void aFailingProvidersBreakerLeavesTheOtherProvidersAlone() {
    ObjectNode overloaded =
        Json.MAPPER.createObjectNode().put("model", "emulator-529").put("prompt", "hi");
    int failures = 0;
    while (!"circuit_open".equals(failure(NodeType.CLAUDE, overloaded).status())) {
      failures++;
      assertThat(failures).as("the breaker opens after 4 calls").isLessThanOrEqualTo(4);
    }

    ObjectNode healthy = Json.MAPPER.createObjectNode().put("prompt", "still there?");
    ProviderException open = failure(NodeType.CLAUDE, healthy);
    assertThat(open.code()).isEqualTo(ErrorCode.E008);
    assertThat(open.retryable()).isTrue();
    assertThat(open.getMessage())
        .isEqualTo("circuit open: anthropic failed repeatedly, calls are paused");
    assertThat(failure(NodeType.AI, healthy.deepCopy().put("provider", "anthropic")).status())
        .isEqualTo("circuit_open");

    assertThat(run(task("o", NodeType.OPENAI, healthy, ctx())).get("o_content").asText())
        .isEqualTo("[emulator] still there?");
    assertThat(run(task("l", NodeType.OLLAMA, healthy, ctx())).get("l_content").asText())
        .isEqualTo("[emulator] still there?");
  }

  @Test
  void anUnknownProviderIsAConfigurationError() {
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("provider", "mistral").put("prompt", "hi");
    assertThatThrownBy(() -> run(task("m", NodeType.AI, config, ctx())))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E004);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "provider 'mistral' of node 'm' is not supported by this worker version");
              assertThat(e.hint()).isEqualTo("supported providers: [openai, anthropic, ollama]");
            });
  }

  private ProviderException failure(NodeType type, ObjectNode config) {
    try {
      run(task("f", type, config, ctx()));
    } catch (ProviderException e) {
      return e;
    }
    throw new AssertionError("expected a provider failure");
  }

  private ObjectNode run(NodeTask task) {
    return runner.run(task, Instant.now().plusSeconds(10)).await().atMost(Duration.ofSeconds(15));
  }

  private static ObjectNode ctx() {
    return Json.MAPPER.createObjectNode();
  }

  private static NodeTask task(
      String nodeId, NodeType type, ObjectNode config, ObjectNode context) {
    NodeDefinition node =
        new NodeDefinition(nodeId, type, null, config, null, null, null, null, null, null);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        UUID.randomUUID(),
        nodeId,
        1,
        node,
        context,
        Instant.now().plusSeconds(30),
        Instant.now());
  }
}
