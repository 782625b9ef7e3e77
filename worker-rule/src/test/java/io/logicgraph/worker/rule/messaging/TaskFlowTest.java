package io.logicgraph.worker.rule.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real NodeTask messages through the running worker and a real broker. */
@QuarkusTest
@QuarkusTestResource(RabbitTestResource.class)
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
  void ruleNodeTrueAndFalseWithFieldMappings() throws Exception {
    ObjectNode context = Json.MAPPER.createObjectNode();
    context.putArray("oms_history_result").addObject().put("avg_daily_demand", 7.5);
    context.put("threshold", 5);
    ObjectNode config = Json.MAPPER.createObjectNode().put("condition", "demand > threshold");
    Map<String, String> mappings = Map.of("demand", "oms_history_result.0.avg_daily_demand");

    NodeTask high = task("check", NodeType.RULE, config, mappings, context);
    ObjectNode lowContext = context.deepCopy().put("threshold", 10);
    NodeTask low = task("check", NodeType.RULE, config, mappings, lowContext);
    broker.publishTask(high);
    broker.publishTask(low);

    NodeResult yes = awaitResult(high);
    NodeResult no = awaitResult(low);
    assertThat(yes.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(yes.output().get("check_result").booleanValue()).isTrue();
    assertThat(no.output().get("check_result").booleanValue()).isFalse();
    assertEcho(high, yes);
    assertNodeStarted(high, yes);
  }

  @Test
  void badConditionFailsWithE003() throws Exception {
    ObjectNode config = Json.MAPPER.createObjectNode().put("condition", "a > > 1");
    NodeTask task = task("broken", NodeType.RULE, config, null, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.FAILED);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E003);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().nodeId()).isEqualTo("broken");
  }

  @Test
  void grlNodeDecidesPurchasesAndMergesItsFacts() throws Exception {
    ObjectNode config =
        Json.MAPPER.createObjectNode().put("rules", resource("/grl/reorder-policy.grl"));
    Map<String, String> mappings =
        Map.of(
            "daily_demand", "history_result.0.daily_demand",
            "on_hand", "stock_result.0.on_hand",
            "safety_stock", "stock_result.0.safety_stock",
            "lead_time_days", "supplier_result.0.lead_time_days",
            "moq", "supplier_result.0.moq",
            "unit_price", "supplier_result.0.unit_price");
    NodeTask automatic = task("decide", NodeType.GRL, config, mappings, purchase(30, 40.0));
    NodeTask approval = task("decide", NodeType.GRL, config, mappings, purchase(30, 60.0));
    NodeTask none = task("decide", NodeType.GRL, config, mappings, purchase(100, 40.0));
    broker.publishTask(automatic);
    broker.publishTask(approval);
    broker.publishTask(none);

    NodeResult auto = awaitResult(automatic);
    assertThat(auto.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertEcho(automatic, auto);
    assertThat(auto.output())
        .isEqualTo(
            Json.MAPPER.readTree(
                """
                {"cover_qty": 60, "reorder": true, "order_qty": 50, "net": 2000.0, "tax": 200.0,
                 "gross": 2200.0, "approval": "automatic",
                 "decide_result": {
                   "assigned": {"cover_qty": 60, "reorder": true, "order_qty": 50, "net": 2000.0,
                                "tax": 200.0, "gross": 2200.0, "approval": "automatic"},
                   "cycles": 2,
                   "rules_fired": ["CoverLeadTime", "Reorder", "MinimumOrder", "Cost", "AutoApproval"],
                   "firings": 5, "log": [], "capped": false}}
                """));

    NodeResult manager = awaitResult(approval);
    assertThat(manager.output().get("approval").textValue()).isEqualTo("required");
    assertThat(manager.output().get("gross").doubleValue()).isEqualTo(3300.0);
    assertThat(manager.output().at("/decide_result/log").toString())
        .isEqualTo("[\"approval required for SKU-9: 3300.0\"]");

    NodeResult enough = awaitResult(none);
    assertThat(enough.output().get("reorder").booleanValue()).isFalse();
    assertThat(enough.output().get("order_qty").intValue()).isZero();
    assertThat(enough.output().has("approval")).isFalse();
  }

  @Test
  void grlRuleThatCannotBeEvaluatedFailsWithE003NamingIt() throws Exception {
    ObjectNode config =
        Json.MAPPER
            .createObjectNode()
            .put("rules", "rule \"PerUnit\" { when qty >= 0 then unit = total / qty; }");
    ObjectNode context = Json.MAPPER.createObjectNode().put("qty", 0).put("total", 10);
    NodeTask task = task("split", NodeType.GRL, config, null, context);
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.FAILED);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E003);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().nodeId()).isEqualTo("split");
    assertThat(result.error().message()).contains("rule \"PerUnit\"").contains("division by zero");
    assertThat(result.output()).isNull();
  }

  private static ObjectNode purchase(int onHand, double unitPrice) {
    ObjectNode context = Json.MAPPER.createObjectNode().put("sku", "SKU-9");
    context.putArray("history_result").addObject().put("daily_demand", 10);
    context.putArray("stock_result").addObject().put("on_hand", onHand).put("safety_stock", 10);
    context
        .putArray("supplier_result")
        .addObject()
        .put("lead_time_days", 5)
        .put("moq", 50)
        .put("unit_price", unitPrice);
    return context;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TaskFlowTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void expiredDeadlineFailsRetryablyWithE005() throws Exception {
    NodeTask fresh = task("late", NodeType.RULE, Json.MAPPER.createObjectNode(), null, null);
    NodeTask task =
        new NodeTask(
            fresh.schemaVersion(),
            fresh.executionId(),
            fresh.nodeId(),
            fresh.attempt(),
            fresh.node(),
            fresh.context(),
            Instant.now().minusSeconds(1),
            fresh.dispatchedAt());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E005);
    assertThat(result.error().retryable()).isTrue();
  }

  @Test
  void unreadableMessageIsDeadLetteredAndTheConsumerKeepsGoing() throws Exception {
    String dlq = Queues.RULE_TASKS + ".dlq";
    broker.purge(dlq);
    broker.publishRaw("{not json".getBytes(StandardCharsets.UTF_8));
    broker.publishRaw("{\"schema_version\":1}".getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.readyMessages(dlq) == 2);

    NodeTask after = task("after", NodeType.GRL, Json.MAPPER.createObjectNode(), null, null);
    broker.publishTask(after);
    assertThat(awaitResult(after).error().code()).isEqualTo(ErrorCode.E004);
  }

  @Test
  void queuesCarryTheSharedTopologyArguments() throws Exception {
    for (String queue : new String[] {Queues.RULE_TASKS, Queues.RESULTS_AGGREGATION}) {
      JsonNode declared = broker.queue(queue).get("arguments");
      assertThat(Json.MAPPER.convertValue(declared, Map.class))
          .as("arguments of %s", queue)
          .isEqualTo(Json.MAPPER.convertValue(Topology.queueArguments(queue), Map.class));
      JsonNode dlq = broker.queue(queue + ".dlq").get("arguments");
      assertThat(Json.MAPPER.convertValue(dlq, Map.class))
          .isEqualTo(Map.of("x-queue-type", "quorum"));
    }
  }

  @Test
  void tasksAreAcknowledgedAndMetricsExported() throws Exception {
    long acksBefore = broker.queue(Queues.RULE_TASKS).path("message_stats").path("ack").asLong();
    int tasks = 5;
    for (int i = 0; i < tasks; i++) {
      NodeTask task = task("acked", NodeType.GRL, Json.MAPPER.createObjectNode(), null, null);
      broker.publishTask(task);
      awaitResult(task);
    }

    // The management API samples queue statistics every few seconds.
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonNode queue = broker.queue(Queues.RULE_TASKS);
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
        .body(containsString("worker_type=\"rule\""))
        .body(containsString("node_execution_duration_seconds_bucket{"))
        .body(containsString("worker_active_tasks{"))
        .body(containsString("node_execution_errors_total{"))
        .body(containsString("graph_nodes_executed_total{"));
    given().baseUri(management.toString()).get("ready").then().statusCode(200);
    given().baseUri(management.toString()).get("health").then().statusCode(200);
  }

  private static NodeResult awaitResult(NodeTask task) {
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

  private static void assertEcho(NodeTask task, NodeResult result) {
    assertThat(result.executionId()).isEqualTo(task.executionId());
    assertThat(result.nodeId()).isEqualTo(task.nodeId());
    assertThat(result.attempt()).isEqualTo(task.attempt());
    assertThat(result.schemaVersion()).isEqualTo(NodeResult.SCHEMA_VERSION);
    assertThat(result.workerId()).startsWith("worker-rule@");
    assertThat(result.startedAt())
        .isAfterOrEqualTo(task.dispatchedAt().truncatedTo(ChronoUnit.MILLIS));
    assertThat(result.completedAt()).isAfterOrEqualTo(result.startedAt());
    assertThat(result.completedAt()).isBeforeOrEqualTo(Instant.now());
  }

  static NodeTask task(
      String nodeId,
      NodeType type,
      ObjectNode config,
      Map<String, String> fieldMappings,
      ObjectNode context) {
    NodeDefinition node =
        new NodeDefinition(nodeId, type, null, config, null, null, null, null, fieldMappings, null);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        UUID.randomUUID(),
        nodeId,
        2,
        node,
        context == null ? JsonNodeFactory.instance.objectNode() : context,
        Instant.now().plusSeconds(30),
        Instant.now());
  }
}
