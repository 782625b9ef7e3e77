package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.EXECUTIONS;
import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.assertProblem;
import static io.logicgraph.gateway.Fixtures.createYamlGraph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agroal.api.AgroalDataSource;
import io.logicgraph.gateway.messaging.FinishedExecutions;
import io.logicgraph.model.message.ExecutionCommand;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.logicgraph.model.testing.TestInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class ExecutionResourceTest {
  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
    Fixtures.useTestKey();
  }

  @Inject AgroalDataSource database;
  @Inject RedisDataSource redis;
  @Inject FinishedExecutions finished;

  @ConfigProperty(name = "rabbitmq-virtual-host")
  String rabbitVhost;

  private Sql sql;

  @BeforeEach
  void sql() {
    sql = new Sql(database);
  }

  @Test
  void executeStoresAPendingExecutionAndRequestsItOnTheQueue() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    Instant before = Instant.now();
    Response accepted =
        given()
            .contentType(ContentType.JSON)
            .body("{\"context\": {\"amount\": 120, \"customer_id\": \"c-7\"}}")
            .post(GRAPHS + "/{id}/execute", graphId);
    accepted.then().statusCode(202).body("status", equalTo("pending"));
    String executionId = accepted.path("execution_id");
    String self = EXECUTIONS + "/" + executionId;
    assertThat(accepted.<Map<String, String>>path("links"))
        .containsEntry("self", self)
        .containsEntry("status", self)
        .containsEntry("results", self + "/results")
        .containsEntry("events", self + "/events");
    assertThat(accepted.header("Location")).endsWith(self);

    Map<String, Object> row =
        sql.row("SELECT * FROM graph_executions WHERE id = ?::uuid", executionId);
    assertThat(row).containsEntry("status", "pending").containsEntry("tenant_id", "default");
    assertThat(row.get("graph_id").toString()).isEqualTo(graphId);
    assertThat(row.get("graph_version")).isEqualTo(1);
    assertThat(Json.MAPPER.readTree(row.get("input").toString()))
        .isEqualTo(Json.MAPPER.readTree("{\"amount\": 120, \"customer_id\": \"c-7\"}"));
    Instant created = ((OffsetDateTime) row.get("created_at")).toInstant();
    Instant deadline = ((OffsetDateTime) row.get("deadline_at")).toInstant();
    assertThat(created).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(Duration.between(created, deadline)).isEqualTo(Duration.ofMinutes(10));

    assertThat(queueArguments(Queues.GRAPH_ORCHESTRATION))
        .as("declared exactly as the orchestrator declares it")
        .isEqualTo(Topology.queueArguments(Queues.GRAPH_ORCHESTRATION));
    ExecutionRequest request =
        RequestQueue.next(UUID.fromString(executionId), ExecutionCommand.START);
    assertThat(request.schemaVersion()).isEqualTo(ExecutionRequest.SCHEMA_VERSION);
    assertThat(request.graphId()).isEqualTo(UUID.fromString(graphId));
    assertThat(request.graphVersion()).isEqualTo(1);
    assertThat(request.tenantId()).isEqualTo("default");
    assertThat(request.requestedAt()).isAfterOrEqualTo(created.minusSeconds(1));
  }

  @Test
  void theBodyIsOptionalInputIsAnAliasAndUnknownFieldsAreRejected() {
    String graphId = createYamlGraph("order-review.yaml");
    String empty =
        given()
            .post(GRAPHS + "/{id}/execute", graphId)
            .then()
            .statusCode(202)
            .extract()
            .path("execution_id");
    assertThat(
            sql.row("SELECT input::text AS input FROM graph_executions WHERE id = ?::uuid", empty))
        .containsEntry("input", "{}");
    String aliased =
        given()
            .contentType(ContentType.JSON)
            .body("{\"input\": {\"amount\": 3}}")
            .post(GRAPHS + "/{id}/execute", graphId)
            .then()
            .statusCode(202)
            .extract()
            .path("execution_id");
    assertThat(
            sql.row(
                "SELECT input::text AS input FROM graph_executions WHERE id = ?::uuid", aliased))
        .containsEntry("input", "{\"amount\": 3}");

    Response unknown =
        given()
            .contentType(ContentType.JSON)
            .body("{\"context\": {}, \"contxt\": {}}")
            .post(GRAPHS + "/{id}/execute", graphId);
    assertProblem(unknown, 400, "E007");
    assertThat(unknown.<List<String>>path("errors.path")).containsExactly("contxt");
    assertProblem(
        given()
            .contentType(ContentType.JSON)
            .body("{\"context\": [1]}")
            .post(GRAPHS + "/{id}/execute", graphId),
        400,
        "E007");
    Response malformed =
        given()
            .contentType(ContentType.JSON)
            .body("{\"context\": {")
            .post(GRAPHS + "/{id}/execute", graphId);
    assertProblem(malformed, 400, "E007");
    assertThat(malformed.<String>path("detail")).contains("line 1, column");
    assertProblem(
        given().contentType(ContentType.TEXT).body("x").post(GRAPHS + "/{id}/execute", graphId),
        415,
        "E007");
    String bigContext = "{\"context\": {\"blob\": \"" + "y".repeat(300 * 1024) + "\"}}";
    assertProblem(
        given()
            .contentType(ContentType.JSON)
            .body(bigContext)
            .post(GRAPHS + "/{id}/execute", graphId),
        400,
        "E010");
    assertProblem(
        given().queryParam("wait", 30001).post(GRAPHS + "/{id}/execute", graphId), 400, "E007");
    assertProblem(
        given().queryParam("wait", -1).post(GRAPHS + "/{id}/execute", graphId), 400, "E007");
  }

  @Test
  void theSameIdempotencyKeyReturnsTheFirstExecution() {
    String graphId = createYamlGraph("order-review.yaml");
    Response first =
        given().header("Idempotency-Key", "order-42").post(GRAPHS + "/{id}/execute", graphId);
    first.then().statusCode(202);
    Response second =
        given().header("Idempotency-Key", "order-42").post(GRAPHS + "/{id}/execute", graphId);
    second.then().statusCode(202).header("Idempotent-Replayed", "true");
    assertThat(second.<String>path("execution_id")).isEqualTo(first.path("execution_id"));
    assertThat(sql.count("SELECT count(*) FROM graph_executions WHERE graph_id = ?::uuid", graphId))
        .isEqualTo(1);

    String other =
        given()
            .header("Idempotency-Key", "order-43")
            .post(GRAPHS + "/{id}/execute", graphId)
            .path("execution_id");
    assertThat(other).isNotEqualTo(first.path("execution_id"));
    String otherGraph = createYamlGraph("order-review.yaml");
    String sameKeyOtherGraph =
        given()
            .header("Idempotency-Key", "order-42")
            .post(GRAPHS + "/{id}/execute", otherGraph)
            .path("execution_id");
    assertThat(sameKeyOtherGraph).isNotEqualTo(first.path("execution_id"));
  }

  @Test
  void concurrentSubmissionsWithOneKeyStartOneExecution() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () ->
                    given()
                        .header("Idempotency-Key", "double-click")
                        .post(GRAPHS + "/{id}/execute", graphId),
                pool));
      }
      Set<String> ids = new HashSet<>();
      for (CompletableFuture<Response> call : calls) {
        Response response = call.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
        ids.add(response.path("execution_id"));
      }
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(sql.count("SELECT count(*) FROM graph_executions WHERE graph_id = ?::uuid", graphId))
        .isEqualTo(1);
    assertThat(
            sql.count(
                "SELECT count(*) FROM execution_idempotency_keys WHERE graph_id = ?::uuid",
                graphId))
        .isEqualTo(1);
  }

  @Test
  void waitAnswers202WhenNothingFinishesTheExecution() {
    String graphId = createYamlGraph("order-review.yaml");
    long start = System.nanoTime();
    Response response = given().queryParam("wait", 600).post(GRAPHS + "/{id}/execute", graphId);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    response.then().statusCode(202).body("status", equalTo("pending"));
    assertThat(tookMs).isGreaterThanOrEqualTo(550);
    assertThat(finished.waiting()).isZero();
  }

  @Test
  void waitAnswers200AsSoonAsTheOrchestratorAnnouncesTheEnd() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(finished::subscribed);
    String graphId = createYamlGraph("order-review.yaml");
    long start = System.nanoTime();
    CompletableFuture<Response> waiting =
        CompletableFuture.supplyAsync(
            () ->
                given()
                    .contentType(ContentType.JSON)
                    .body("{\"context\": {\"amount\": 5}}")
                    .queryParam("wait", 20000)
                    .post(GRAPHS + "/{id}/execute", graphId));
    String executionId =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> firstExecutionOf(graphId), id -> id != null);
    await().atMost(Duration.ofSeconds(5)).until(() -> finished.waiting() > 0);

    // the orchestrator's part: terminal state in PostgreSQL first, then the notification
    completeAsTheOrchestratorWould(executionId);
    redis.pubsub(String.class).publish(ExecutionEvents.FINISHED_CHANNEL, executionId);

    Response response = waiting.get(15, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMs).as("woken by the notification, not by polling").isLessThan(5000);
    response
        .then()
        .statusCode(200)
        .body("id", equalTo(executionId))
        .body("status", equalTo("completed"))
        .body("graph_id", equalTo(graphId))
        .body("nodes.gate.status", equalTo("completed"))
        .body("nodes.review.status", equalTo("completed"));
  }

  @Test
  void aReplayOfAFinishedExecutionWithWaitAnswers200AtOnce() {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId =
        given()
            .header("Idempotency-Key", "finished-already")
            .post(GRAPHS + "/{id}/execute", graphId)
            .path("execution_id");
    completeAsTheOrchestratorWould(executionId);
    given()
        .header("Idempotency-Key", "finished-already")
        .queryParam("wait", 20000)
        .post(GRAPHS + "/{id}/execute", graphId)
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", "true")
        .body("id", equalTo(executionId))
        .body("status", equalTo("completed"));
  }

  @Test
  void aPendingExecutionListsEveryNodeAsPending() {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");

    Response execution = given().get(EXECUTIONS + "/{id}", executionId);
    execution
        .then()
        .statusCode(200)
        .body("id", equalTo(executionId))
        .body("graph_id", equalTo(graphId))
        .body("graph_version", equalTo(1))
        .body("status", equalTo("pending"))
        .body("started_at", nullValue())
        .body("completed_at", nullValue())
        .body("duration_ms", nullValue())
        .body("error", nullValue())
        .body("nodes.history.node_type", equalTo("PostgresNode"))
        .body("nodes.history.status", equalTo("pending"))
        .body("nodes.history.attempts", equalTo(0));
    assertThat(execution.<Map<String, Object>>path("nodes"))
        .containsOnlyKeys("gate", "history", "review");
    assertThat(execution.<Map<String, Object>>path(""))
        .containsOnlyKeys(
            "id",
            "graph_id",
            "graph_version",
            "status",
            "created_at",
            "started_at",
            "completed_at",
            "duration_ms",
            "nodes",
            "error");

    given()
        .get(EXECUTIONS + "/{id}/results", executionId)
        .then()
        .statusCode(200)
        .body("execution_id", equalTo(executionId))
        .body("status", equalTo("pending"))
        .body("context", nullValue())
        .body("outputs.gate", nullValue())
        .body("error", nullValue());
    given()
        .get(GRAPHS + "/{id}/status", graphId)
        .then()
        .statusCode(200)
        .body("id", equalTo(executionId));
  }

  @Test
  void aFinishedExecutionShowsNodeStateContextAndOutputs() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    String older = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    completeAsTheOrchestratorWould(executionId);

    Response execution = given().get(EXECUTIONS + "/{id}", executionId);
    execution
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("duration_ms", equalTo(250))
        .body("nodes.gate.node_type", equalTo("RuleNode"))
        .body("nodes.gate.status", equalTo("completed"))
        .body("nodes.gate.attempts", equalTo(1))
        .body("nodes.gate.duration_ms", equalTo(4))
        .body("nodes.history.attempts", equalTo(2));
    List<String> order = new ArrayList<>();
    Json.MAPPER
        .readTree(execution.asString())
        .get("nodes")
        .fieldNames()
        .forEachRemaining(order::add);
    assertThat(order).as("topological order").containsExactly("gate", "history", "review");
    assertThat(execution.<String>path("nodes.gate.started_at")).matches("\\d{4}-.*T.*\\.\\d{6}Z");

    Response results = given().get(EXECUTIONS + "/{id}/results", executionId);
    results
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("context.amount", equalTo(5))
        .body("context.loyal", equalTo(true))
        .body("outputs.gate", equalTo(true))
        .body("outputs.history[0].orders", equalTo(4))
        .body("outputs.review.loyal", equalTo(true))
        .body("error", nullValue());
    given()
        .get(GRAPHS + "/{id}/results", graphId)
        .then()
        .statusCode(200)
        .body("execution_id", equalTo(executionId));

    Response list = given().get(GRAPHS + "/{id}/executions", graphId);
    list.then().statusCode(200).body("total", equalTo(2));
    assertThat(list.<List<String>>path("items.id")).containsExactly(executionId, older);
    assertThat(list.<String>path("items[0].status")).isEqualTo("completed");
  }

  @Test
  void historyOfADeletedGraphStaysQueryable() {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    given().delete(GRAPHS + "/{id}", graphId).then().statusCode(204);

    given()
        .get(EXECUTIONS + "/{id}", executionId)
        .then()
        .statusCode(200)
        .body("nodes.size()", equalTo(3));
    given().get(EXECUTIONS + "/{id}/results", executionId).then().statusCode(200);
    given()
        .get(GRAPHS + "/{id}/executions", graphId)
        .then()
        .statusCode(200)
        .body("total", equalTo(1));
    assertProblem(given().post(GRAPHS + "/{id}/execute", graphId), 404, "E004");
  }

  @Test
  void unknownExecutionsAre404() {
    String unknown = UUID.randomUUID().toString();
    assertProblem(given().get(EXECUTIONS + "/{id}", unknown), 404, "E004");
    assertProblem(given().get(EXECUTIONS + "/{id}/results", unknown), 404, "E004");
    assertProblem(given().get(EXECUTIONS + "/{id}", "123"), 400, "E007");
    String graphId = createYamlGraph("order-review.yaml");
    assertProblem(given().get(GRAPHS + "/{id}/status", graphId), 404, "E004");
    assertProblem(given().get(GRAPHS + "/{id}/results", graphId), 404, "E004");
    assertProblem(given().post(EXECUTIONS + "/{id}/cancel", unknown), 404, "E004");
    assertProblem(given().post(EXECUTIONS + "/{id}/retry", unknown), 404, "E004");
    assertProblem(given().post(EXECUTIONS + "/{id}/cancel", "nope"), 400, "E007");
  }

  // ------------------------------------------------------------------ cancel and retry

  @Test
  void cancelOfAPendingExecutionRecordsTheRequestAndTellsTheOrchestrator() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    RequestQueue.next(UUID.fromString(executionId), ExecutionCommand.START);

    Response cancelled = given().post(EXECUTIONS + "/{id}/cancel", executionId);
    cancelled
        .then()
        .statusCode(202)
        .body("execution_id", equalTo(executionId))
        .body("status", equalTo("pending"))
        .body("links.events", equalTo(EXECUTIONS + "/" + executionId + "/events"));
    assertThat(cancelled.header("Location")).endsWith(EXECUTIONS + "/" + executionId);
    Map<String, Object> row =
        sql.row(
            "SELECT status, cancel_requested_at, retry_requested_at FROM graph_executions"
                + " WHERE id = ?::uuid",
            executionId);
    assertThat(row).containsEntry("status", "pending").containsEntry("retry_requested_at", null);
    OffsetDateTime requestedAt = (OffsetDateTime) row.get("cancel_requested_at");
    assertThat(requestedAt).isNotNull();
    ExecutionRequest request =
        RequestQueue.next(UUID.fromString(executionId), ExecutionCommand.CANCEL);
    assertThat(request.graphId()).isEqualTo(UUID.fromString(graphId));
    assertThat(request.graphVersion()).isEqualTo(1);
    assertThat(request.tenantId()).isEqualTo("default");

    // asked again while the orchestrator has not acted yet: accepted, told again, time kept
    sql.update("UPDATE graph_executions SET status = 'running' WHERE id = ?::uuid", executionId);
    given()
        .post(EXECUTIONS + "/{id}/cancel", executionId)
        .then()
        .statusCode(202)
        .body("status", equalTo("running"));
    RequestQueue.next(UUID.fromString(executionId), ExecutionCommand.CANCEL);
    assertThat(
            sql.row(
                "SELECT cancel_requested_at FROM graph_executions WHERE id = ?::uuid", executionId))
        .containsEntry("cancel_requested_at", requestedAt);
  }

  @Test
  void cancelOfAnEndedExecutionIs409() {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    completeAsTheOrchestratorWould(executionId);

    Response refused = given().post(EXECUTIONS + "/{id}/cancel", executionId);
    assertProblem(refused, 409, "E011");
    assertThat(refused.<String>path("detail"))
        .isEqualTo("execution " + executionId + " is already completed; nothing to cancel");
    assertThat(
            sql.row(
                "SELECT cancel_requested_at FROM graph_executions WHERE id = ?::uuid", executionId))
        .containsEntry("cancel_requested_at", null);
  }

  @Test
  void retryOfAFailedExecutionRecordsTheRequestAndTellsTheOrchestrator() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    sql.update(
        "UPDATE graph_executions SET status = 'failed', completed_at = now(),"
            + " error = '{\"code\": \"E001\", \"message\": \"boom\"}'::jsonb"
            + " WHERE id = ?::uuid",
        executionId);

    given()
        .post(EXECUTIONS + "/{id}/retry", executionId)
        .then()
        .statusCode(202)
        .body("execution_id", equalTo(executionId))
        .body("status", equalTo("failed"));
    assertThat(
            sql.row(
                "SELECT retry_requested_at FROM graph_executions WHERE id = ?::uuid", executionId))
        .extractingByKey("retry_requested_at")
        .isNotNull();
    ExecutionRequest request =
        RequestQueue.next(UUID.fromString(executionId), ExecutionCommand.RETRY);
    assertThat(request.graphVersion()).as("the same graph version").isEqualTo(1);

    sql.update("UPDATE graph_executions SET status = 'cancelled' WHERE id = ?::uuid", executionId);
    given().post(EXECUTIONS + "/{id}/retry", executionId).then().statusCode(202);
  }

  @Test
  void retryOfAPendingRunningOrCompletedExecutionIs409() {
    String graphId = createYamlGraph("order-review.yaml");
    String executionId = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    Response pending = given().post(EXECUTIONS + "/{id}/retry", executionId);
    assertProblem(pending, 409, "E011");
    assertThat(pending.<String>path("detail")).startsWith("retry of a pending execution");

    sql.update("UPDATE graph_executions SET status = 'running' WHERE id = ?::uuid", executionId);
    Response running = given().post(EXECUTIONS + "/{id}/retry", executionId);
    assertProblem(running, 409, "E011");
    assertThat(running.<String>path("detail")).startsWith("retry of a running execution");

    completeAsTheOrchestratorWould(executionId);
    Response completed = given().post(EXECUTIONS + "/{id}/retry", executionId);
    assertProblem(completed, 409, "E011");
    assertThat(completed.<String>path("detail")).contains("nothing to retry");
    assertThat(
            sql.row(
                "SELECT retry_requested_at FROM graph_executions WHERE id = ?::uuid", executionId))
        .containsEntry("retry_requested_at", null);
  }

  // ------------------------------------------------------------------ the orchestrator's side

  /** Writes what the orchestrator writes when an execution completes. */
  private void completeAsTheOrchestratorWould(String executionId) {
    sql.update(
        "UPDATE graph_executions SET status = 'completed',"
            + " started_at = created_at + interval '10 milliseconds',"
            + " completed_at = created_at + interval '260 milliseconds',"
            + " context = '{\"amount\": 5, \"gate_result\": true,"
            + " \"history_result\": [{\"orders\": 4}], \"history_count\": 1,"
            + " \"review_result\": {\"loyal\": true}, \"loyal\": true}'::jsonb,"
            + " updated_at = now() WHERE id = ?::uuid",
        executionId);
    String insert =
        "INSERT INTO node_executions (execution_id, node_id, node_type, status, attempt, output,"
            + " started_at, completed_at) VALUES (?::uuid, ?, ?, 'completed', ?, ?::jsonb,"
            + " now(), now() + ?::interval)";
    sql.update(
        insert, executionId, "gate", "RuleNode", 1, "{\"gate_result\": true}", "4 milliseconds");
    sql.update(
        insert,
        executionId,
        "history",
        "PostgresNode",
        2,
        "{\"history_result\": [{\"orders\": 4}], \"history_count\": 1}",
        "30 milliseconds");
    sql.update(
        insert,
        executionId,
        "review",
        "GrlNode",
        1,
        "{\"review_result\": {\"loyal\": true}, \"loyal\": true}",
        "2 milliseconds");
  }

  private String firstExecutionOf(String graphId) {
    Map<String, Object> row =
        sql.row("SELECT id FROM graph_executions WHERE graph_id = ?::uuid", graphId);
    return row == null ? null : row.get("id").toString();
  }

  /** The arguments the broker holds for a queue of the suite's virtual host. */
  private Map<String, Object> queueArguments(String queue) throws Exception {
    String management = TestInfrastructure.endpoints().rabbitmqManagementUrl();
    String vhost = URLEncoder.encode(rabbitVhost, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(management + "/api/queues/" + vhost + "/" + queue))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
            .build();
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.convertValue(
        Json.MAPPER.readTree(response.body()).get("arguments"), new TypeReference<>() {});
  }
}
