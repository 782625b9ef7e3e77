package io.logicgraph.worker.ai.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.ExecutionEventType;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real NodeTask messages through the running worker, a real broker and the LLM emulator. */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class TaskFlowTest {
  private static TestBroker broker;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject RedisDataSource redis;

  /** The worker announced the attempt on the execution's event stream, with its id and a TTL. */
  private void assertNodeStarted(NodeTask task, NodeResult result) throws Exception {
    String key = ExecutionEvents.streamKey(task.executionId());
    List<StreamMessage<String, String, String>> entries =
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> redis.stream(String.class).xrange(key, StreamRange.of("-", "+")),
                list -> !list.isEmpty());
    try {
      assertThat(entries).hasSize(1);
      Map<String, String> fields = entries.get(0).payload();
      assertThat(fields.get("event")).isEqualTo(ExecutionEventType.NODE_STARTED.wire());
      JsonNode data = Json.MAPPER.readTree(fields.get("data"));
      assertThat(data.get("execution_id").asText()).isEqualTo(task.executionId().toString());
      assertThat(data.get("node_id").asText()).isEqualTo(task.nodeId());
      assertThat(data.get("attempt").asInt()).isEqualTo(task.attempt());
      assertThat(data.get("status").asText()).isEqualTo("running");
      assertThat(data.get("worker_id").asText()).isEqualTo(result.workerId());
      assertThat(data.get("at").asText())
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
      assertThat(redis.key(String.class).ttl(key))
          .isPositive()
          .isLessThanOrEqualTo(ExecutionEvents.STREAM_TTL_SECONDS);
    } finally {
      redis.key(String.class).del(key);
    }
  }

  @BeforeAll
  static void connect() throws Exception {
    broker = new TestBroker();
  }

  @AfterAll
  static void disconnect() throws Exception {
    broker.close();
  }

  @Test
  void openAiNodeRendersItsPromptsAndWritesResultAndContent() throws Exception {
    ObjectNode config =
        Json.MAPPER
            .createObjectNode()
            .put("model", "gpt-4o-mini")
            .put("system_prompt", "You assist {{team}}.")
            .put("prompt", "Explain the decision: {{decide_result}}")
            .put("temperature", 0.2)
            .put("max_tokens", 200);
    ObjectNode context = Json.MAPPER.createObjectNode().put("team", "purchasing");
    context.putObject("decide_result").put("reorder", true);
    NodeTask task = task("explain", NodeType.OPENAI, config, context);
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"explain_result\":{\"content\":\"[emulator] Explain the decision:"
                + " {\\\"reorder\\\":true}\",\"model\":\"gpt-4o-mini\",\"finish_reason\":\"stop\","
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5}},"
                + "\"explain_content\":\"[emulator] Explain the decision: {\\\"reorder\\\":true}\"}");
    assertThat(result.executionId()).isEqualTo(task.executionId());
    assertThat(result.attempt()).isEqualTo(task.attempt());
    assertThat(result.workerId()).startsWith("worker-ai@");
    assertThat(result.startedAt())
        .isAfterOrEqualTo(task.dispatchedAt().truncatedTo(ChronoUnit.MILLIS));
    assertThat(result.completedAt()).isAfterOrEqualTo(result.startedAt());
    assertNodeStarted(task, result);
  }

  @Test
  void aiNodeWithoutProviderUsesOpenAiAndItsDefaultModel() throws Exception {
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("prompt", "Generate order confirmation email");
    NodeTask task = task("send_notification", NodeType.AI, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.output().get("send_notification_content").asText())
        .isEqualTo("[emulator] Generate order confirmation email");
    assertThat(result.output().get("send_notification_result").get("model").asText())
        .isEqualTo("emulator-default");
  }

  @Test
  void providerRateLimitIsARetryableE008WithRetryAfter() throws Exception {
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("model", "emulator-429").put("prompt", "hi");
    NodeTask task = task("busy", NodeType.OPENAI, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.FAILED);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E008);
    assertThat(result.error().retryable()).isTrue();
    assertThat(result.error().hint()).contains("Retry-After: 1 s");
    assertThat(result.error().nodeId()).isEqualTo("busy");
  }

  @Test
  void slowProviderCallsOverlapInsteadOfQueueing() throws Exception {
    List<NodeTask> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ObjectNode config =
          Json.MAPPER
              .createObjectNode()
              .put("model", "emulator-slow-1000")
              .put("prompt", "slow " + i);
      NodeTask task = task("slow", NodeType.OPENAI, config, Json.MAPPER.createObjectNode());
      tasks.add(task);
      broker.publishTask(task);
    }
    List<NodeResult> results = new ArrayList<>();
    for (NodeTask task : tasks) {
      results.add(awaitResult(task));
    }
    assertThat(results).allMatch(r -> r.outcome() == NodeOutcome.SUCCEEDED);
    Instant lastStart = results.stream().map(NodeResult::startedAt).max(Instant::compareTo).get();
    Instant firstEnd = results.stream().map(NodeResult::completedAt).min(Instant::compareTo).get();
    assertThat(lastStart).as("every call started before the first one finished").isBefore(firstEnd);
  }

  @Test
  void claudeNodeGoesThroughTheMessagesApi() throws Exception {
    ObjectNode config =
        Json.MAPPER
            .createObjectNode()
            .put("model", "claude-haiku-4-5")
            .put("system_prompt", "You assist {{team}}.")
            .put("prompt", "Explain the decision: {{decide_result}}")
            .put("temperature", 0.2)
            .put("max_tokens", 200);
    ObjectNode context = Json.MAPPER.createObjectNode().put("team", "purchasing");
    context.putObject("decide_result").put("reorder", true);
    NodeTask task = task("explain", NodeType.CLAUDE, config, context);
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"explain_result\":{\"content\":\"[emulator] Explain the decision:"
                + " {\\\"reorder\\\":true}\",\"model\":\"claude-haiku-4-5\","
                + "\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":7,"
                + "\"completion_tokens\":5}},\"explain_content\":\"[emulator] Explain the"
                + " decision: {\\\"reorder\\\":true}\"}");
    given()
        .baseUri(management.toString())
        .get("metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "ai_tokens_total{kind=\"completion\",model=\"claude-haiku-4-5\","
                    + "provider=\"anthropic\"}"))
        .body(
            containsString(
                "ai_request_duration_seconds_count{model=\"claude-haiku-4-5\","
                    + "provider=\"anthropic\",status=\"ok\"}"));
  }

  @Test
  void ollamaNodeGoesThroughTheChatApi() throws Exception {
    ObjectNode config =
        Json.MAPPER
            .createObjectNode()
            .put("model", "llama3.2")
            .put("prompt", "Draft a note for order {{order_id}}")
            .put("max_tokens", 3);
    NodeTask task =
        task("note", NodeType.OLLAMA, config, Json.MAPPER.createObjectNode().put("order_id", 42));
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"note_result\":{\"content\":\"[emulator] Draft a\",\"model\":\"llama3.2\","
                + "\"finish_reason\":\"length\",\"usage\":{\"prompt_tokens\":6,"
                + "\"completion_tokens\":3}},\"note_content\":\"[emulator] Draft a\"}");

    ObjectNode missing =
        Json.MAPPER.createObjectNode().put("model", "emulator-404").put("prompt", "hi");
    NodeTask unknownModel = task("note", NodeType.OLLAMA, missing, Json.MAPPER.createObjectNode());
    broker.publishTask(unknownModel);
    NodeResult failed = awaitResult(unknownModel);
    assertThat(failed.outcome()).isEqualTo(NodeOutcome.FAILED);
    assertThat(failed.error().code()).isEqualTo(ErrorCode.E008);
    assertThat(failed.error().retryable()).isFalse();
    assertThat(failed.error().message())
        .isEqualTo("ollama answered 404: model \"emulator-404\" not found, try pulling it first");
  }

  @Test
  void unknownProvidersFailClearlyWithE004() throws Exception {
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("provider", "mistral").put("prompt", "hi");
    NodeTask task = task("c", NodeType.AI, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);
    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E004);
    assertThat(result.error().message())
        .isEqualTo("provider 'mistral' of node 'c' is not supported by this worker version");
  }

  @Test
  void queuesCarryTheSharedTopologyArguments() throws Exception {
    for (String queue : new String[] {Queues.AI_TASKS, Queues.RESULTS_AGGREGATION}) {
      JsonNode declared = broker.queue(queue).get("arguments");
      assertThat(Json.MAPPER.convertValue(declared, Map.class))
          .as("arguments of %s", queue)
          .isEqualTo(Json.MAPPER.convertValue(Topology.queueArguments(queue), Map.class));
    }
    broker.declareWithTopology(Queues.AI_TASKS);
  }

  @Test
  void tasksAreAcknowledgedAndMetricsExported() throws Exception {
    long acksBefore = broker.queue(Queues.AI_TASKS).path("message_stats").path("ack").asLong();
    int tasks = 3;
    for (int i = 0; i < tasks; i++) {
      ObjectNode config =
          Json.MAPPER.createObjectNode().put("model", "gpt-4o-mini").put("prompt", "count " + i);
      NodeTask task = task("n", NodeType.OPENAI, config, Json.MAPPER.createObjectNode());
      broker.publishTask(task);
      assertThat(awaitResult(task).outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonNode queue = broker.queue(Queues.AI_TASKS);
              return queue.path("messages").asLong(-1) == 0
                  && queue.path("messages_unacknowledged").asLong(-1) == 0
                  && queue.path("message_stats").path("ack").asLong() >= acksBefore + tasks;
            });

    given()
        .baseUri(management.toString())
        .get("metrics")
        .then()
        .statusCode(200)
        .body(containsString("worker_tasks_processed_total{"))
        .body(containsString("worker_type=\"ai\""))
        .body(
            containsString(
                "ai_tokens_total{kind=\"prompt\",model=\"gpt-4o-mini\",provider=\"openai\"}"))
        .body(containsString("ai_request_duration_seconds_bucket{"))
        .body(containsString("node_execution_duration_seconds_bucket{"));
    given().baseUri(management.toString()).get("ready").then().statusCode(200);
  }

  static NodeResult awaitResult(TestBroker broker, NodeTask task) {
    AtomicReference<NodeResult> result = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              result.set(broker.result(task.executionId()));
              return result.get() != null;
            });
    return result.get();
  }

  private static NodeResult awaitResult(NodeTask task) {
    return awaitResult(broker, task);
  }

  static NodeTask task(String nodeId, NodeType type, ObjectNode config, ObjectNode context) {
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
