package io.logicgraph.worker.db.messaging;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real NodeTask messages through the running worker, a real broker and a real database. */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
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
  void postgresNodeReturnsTypedRows() throws Exception {
    ObjectNode config =
        query("test_db", "SELECT id, amount, flag, day FROM all_types WHERE id = $1")
            .put("max_rows", 5);
    config.putArray("params").add("input.id");
    ObjectNode context = Json.MAPPER.createObjectNode();
    context.putObject("input").put("id", 1);
    NodeTask task = task("fetch", NodeType.POSTGRES, config, context);
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"fetch_result\":[{\"id\":1,\"amount\":12345.6789,\"flag\":true,\"day\":\"2024-03-01\"}],"
                + "\"fetch_count\":1}");
    assertEcho(task, result);
    assertNodeStarted(task, result);
  }

  @Test
  void dbNodeOnAPostgresDatasourceTruncatesAtMaxRows() throws Exception {
    ObjectNode config = query("test_db", "SELECT id FROM items ORDER BY id").put("max_rows", 3);
    NodeTask task = task("list", NodeType.DB, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.output().get("list_result").toString())
        .isEqualTo("[{\"id\":1},{\"id\":2},{\"id\":3}]");
    assertThat(result.output().get("list_count").intValue()).isEqualTo(3);
    assertThat(result.output().get("list_truncated").booleanValue()).isTrue();
  }

  @Test
  void mySqlNodeReturnsTypedRows() throws Exception {
    ObjectNode config =
        query("mysql_db", "SELECT id, amount, label, day FROM all_types WHERE id = ?")
            .put("max_rows", 5);
    config.putArray("params").add("input.id");
    ObjectNode context = Json.MAPPER.createObjectNode();
    context.putObject("input").put("id", 1);
    NodeTask task = task("orders", NodeType.MYSQL, config, context);
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"orders_result\":[{\"id\":1,\"amount\":12345.6789,\"label\":\"héllo\","
                + "\"day\":\"2024-03-01\"}],\"orders_count\":1}");
    assertEcho(task, result);
  }

  @Test
  void dbNodeOnAMySqlDatasourceTakesItsKind() throws Exception {
    ObjectNode config = query("mysql_db", "SELECT id FROM items ORDER BY id").put("max_rows", 2);
    NodeTask task = task("list", NodeType.DB, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"list_result\":[{\"id\":1},{\"id\":2}],\"list_count\":2,\"list_truncated\":true}");
  }

  @Test
  void nodeTypeOfAnotherKindThanItsDatasourceFailsWithE004NamingBoth() throws Exception {
    NodeTask task =
        task(
            "pg", NodeType.POSTGRES, query("mysql_db", "SELECT 1"), Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E004);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().message())
        .isEqualTo("PostgresNode 'pg' needs a postgres datasource, but 'mysql_db' is mysql");
  }

  @Test
  void redisNodeSetsAndGetsAValue() throws Exception {
    String prefix = "worker-db-test:" + UUID.randomUUID() + ":";
    ObjectNode context = Json.MAPPER.createObjectNode().put("prefix", prefix);
    context.putObject("decision").put("reorder", true).put("qty", 40);
    ObjectNode set =
        Json.MAPPER
            .createObjectNode()
            .put("database", "redis_db")
            .put("operation", "SET")
            .put("key", "{{prefix}}decision")
            .put("value", "{{decision}}")
            .put("ttl_s", 60);
    NodeTask write = task("remember", NodeType.REDIS, set, context);
    broker.publishTask(write);
    assertThat(awaitResult(write).output().toString()).isEqualTo("{\"remember_result\":true}");

    ObjectNode get =
        Json.MAPPER
            .createObjectNode()
            .put("database", "redis_db")
            .put("operation", "GET")
            .put("key", "{{prefix}}decision");
    NodeTask read = task("recall", NodeType.REDIS, get, context);
    broker.publishTask(read);
    NodeResult result = awaitResult(read);
    assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    assertThat(result.output().toString())
        .isEqualTo("{\"recall_result\":{\"reorder\":true,\"qty\":40}}");

    NodeTask delete =
        task("forget", NodeType.REDIS, get.deepCopy().put("operation", "DEL"), context);
    broker.publishTask(delete);
    assertThat(awaitResult(delete).output().toString()).isEqualTo("{\"forget_result\":1}");
  }

  @Test
  void mongoNodeInsertsAndFinds() throws Exception {
    String collection = "flow" + UUID.randomUUID().toString().replace("-", "");
    ObjectNode context = Json.MAPPER.createObjectNode().put("customer", "c-7").put("qty", 3);
    ObjectNode insert =
        Json.MAPPER
            .createObjectNode()
            .put("database", "mongo_db")
            .put("collection", collection)
            .put("operation", "insert");
    insert.putObject("document").put("customer", "{{customer}}").put("qty", "{{qty}}");
    NodeTask write = task("save", NodeType.MONGO, insert, context);
    broker.publishTask(write);
    NodeResult saved = awaitResult(write);
    assertThat(saved.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    String id = saved.output().at("/save_result/inserted_id").textValue();
    assertThat(id).matches("[0-9a-f]{24}");

    ObjectNode find =
        Json.MAPPER
            .createObjectNode()
            .put("database", "mongo_db")
            .put("collection", collection)
            .put("operation", "find");
    find.putObject("filter").put("customer", "{{customer}}");
    NodeTask read = task("orders", NodeType.MONGO, find, context);
    broker.publishTask(read);
    NodeResult result = awaitResult(read);
    assertThat(result.output().toString())
        .isEqualTo(
            "{\"orders_result\":[{\"_id\":\""
                + id
                + "\",\"customer\":\"c-7\",\"qty\":3}],\"orders_count\":1}");
  }

  @Test
  void outputAboveTheLimitFailsWithE010() throws Exception {
    NodeTask task =
        task(
            "big",
            NodeType.POSTGRES,
            query("test_db", "SELECT repeat('x', 300000) AS blob"),
            Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E010);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().message()).contains("above the limit of 262144");
  }

  @Test
  void unknownDatasourceFailsWithE004NamingTheConfiguredOnes() throws Exception {
    NodeTask task =
        task("x", NodeType.POSTGRES, query("crm_db", "SELECT 1"), Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E004);
    assertThat(result.error().retryable()).isFalse();
    assertThat(result.error().message())
        .isEqualTo(
            "unknown datasource 'crm_db'; configured datasources:"
                + " [down_db, mongo_db, mysql_db, redis_db, test_db]");
  }

  @Test
  void missingParameterFailsWithE010() throws Exception {
    ObjectNode config = query("test_db", "SELECT * FROM items WHERE id = $1");
    config.putArray("params").add("order.item_id");
    NodeTask task = task("item", NodeType.POSTGRES, config, Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E010);
    assertThat(result.error().message()).contains("'order.item_id'");
  }

  @Test
  void unreachableDatasourceIsRetryableAndKeepsItsPassword() throws Exception {
    NodeTask task =
        task(
            "ping",
            NodeType.POSTGRES,
            query("down_db", "SELECT 1"),
            Json.MAPPER.createObjectNode());
    broker.publishTask(task);

    NodeResult result = awaitResult(task);
    assertThat(result.error().code()).isEqualTo(ErrorCode.E002);
    assertThat(result.error().retryable()).isTrue();
    assertThat(Json.MAPPER.writeValueAsString(result)).doesNotContain(DbTestResource.DOWN_PASSWORD);
  }

  @Test
  void queuesCarryTheSharedTopologyArguments() throws Exception {
    for (String queue : new String[] {Queues.DB_TASKS, Queues.RESULTS_AGGREGATION}) {
      JsonNode declared = broker.queue(queue).get("arguments");
      assertThat(Json.MAPPER.convertValue(declared, Map.class))
          .as("arguments of %s", queue)
          .isEqualTo(Json.MAPPER.convertValue(Topology.queueArguments(queue), Map.class));
    }
    broker.declareWithTopology(Queues.DB_TASKS);
  }

  @Test
  void tasksAreAcknowledgedAndHealthShowsEachDatasource() throws Exception {
    long acksBefore = broker.queue(Queues.DB_TASKS).path("message_stats").path("ack").asLong();
    int tasks = 3;
    for (int i = 0; i < tasks; i++) {
      NodeTask task =
          task(
              "one",
              NodeType.POSTGRES,
              query("test_db", "SELECT 1 AS one"),
              Json.MAPPER.createObjectNode());
      broker.publishTask(task);
      assertThat(awaitResult(task).outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonNode queue = broker.queue(Queues.DB_TASKS);
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
        .body(containsString("worker_type=\"db\""))
        .body(containsString("node_execution_duration_seconds_bucket{"))
        .body(containsString("graph_nodes_executed_total{node_type=\"PostgresNode\""));
    // down_db is configured but unreachable, so the worker is not ready.
    given()
        .baseUri(management.toString())
        .get("ready")
        .then()
        .statusCode(503)
        .body(containsString("\"test_db\": \"up\""))
        .body(containsString("\"mysql_db\": \"up\""))
        .body(containsString("\"redis_db\": \"up\""))
        .body(containsString("\"mongo_db\": \"up\""))
        .body(containsString("\"down_db\": \"down\""));
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
    assertThat(result.workerId()).startsWith("worker-db@");
    assertThat(result.startedAt())
        .isAfterOrEqualTo(task.dispatchedAt().truncatedTo(ChronoUnit.MILLIS));
    assertThat(result.completedAt()).isAfterOrEqualTo(result.startedAt());
  }

  private static ObjectNode query(String database, String sql) {
    return Json.MAPPER.createObjectNode().put("database", database).put("query", sql);
  }

  static NodeTask task(String nodeId, NodeType type, ObjectNode config, ObjectNode context) {
    NodeDefinition node =
        new NodeDefinition(nodeId, type, null, config, null, null, null, null, null, null);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        UUID.randomUUID(),
        nodeId,
        4,
        node,
        context,
        Instant.now().plusSeconds(30),
        Instant.now());
  }
}
