package io.logicgraph.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.ExecutionCommand;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.SuspectTasks;
import io.logicgraph.model.message.Topology;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator on real RabbitMQ, Redis and PostgreSQL, with the worker pools played by the test
 * over the broker: start, joins, duplicates, stale results, failures, skips, lost tasks.
 */
@QuarkusTest
@QuarkusTestResource(InfraResource.class)
class OrchestratorFlowTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String DIAMOND =
      """
      name: diamond
      nodes:
        a: {node_type: RuleNode, condition: "amount > 10"}
        b: {node_type: RuleNode, condition: "a_result == true"}
        c: {node_type: PostgresNode, database: shop, query: "SELECT 1", params: [amount]}
        d: {node_type: RuleNode, condition: "true", dependencies: [b, c]}
      edges:
        - {from: a, to: b}
        - {from: a, to: c}
      """;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Inject Pool pool;
  @Inject RedisDataSource redis;

  private WorkerStandIn workers;

  @AfterEach
  void close() throws Exception {
    if (workers != null) {
      workers.close();
    }
  }

  @Test
  void diamondRunsEachNodeOnceAndJoinsExactlyEvenWithDuplicateResults() throws Exception {
    Set<String> finished = ConcurrentHashMap.newKeySet();
    redis.pubsub(String.class).subscribe(ExecutionEvents.FINISHED_CHANNEL, finished::add);
    workers =
        new WorkerStandIn(
            task -> {
              NodeResult result =
                  WorkerStandIn.succeed(
                      task, JSON.objectNode().put(task.nodeId() + "_result", task.nodeId() + "!"));
              return List.of(result, result); // every result delivered twice
            });
    UUID graph = storeGraph(DIAMOND);
    UUID execution = execute(graph, JSON.objectNode().put("amount", 42), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    JsonNode context = Json.MAPPER.readTree((String) row.get("context"));
    assertThat(context.get("amount").asInt()).isEqualTo(42);
    assertThat(context.get("a_result").asText()).isEqualTo("a!");
    assertThat(context.get("d_result").asText()).isEqualTo("d!");
    for (String node : List.of("a", "b", "c", "d")) {
      assertThat(workers.tasksFor(node)).as("tasks for %s", node).isEqualTo(1);
    }
    var joinTask = workers.tasks.stream().filter(t -> t.nodeId().equals("d")).findFirst().get();
    assertThat(joinTask.context().get("b_result").asText()).isEqualTo("b!");
    assertThat(joinTask.context().get("c_result").asText()).isEqualTo("c!");
    assertThat(joinTask.attempt()).isEqualTo(1);
    assertThat(nodeStatuses(execution))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", "completed", "b", "completed", "c", "completed", "d", "completed"));
    await().atMost(Duration.ofSeconds(5)).until(() -> finished.contains(execution.toString()));
  }

  @Test
  void permanentFailureFailsTheExecutionAndCancelsWhatIsLeft() throws Exception {
    workers =
        new WorkerStandIn(
            task -> {
              Instant now = Instant.now();
              if (task.nodeId().equals("c")) {
                return List.of(
                    NodeResult.failed(
                        task,
                        NodeError.permanent(ErrorCode.E001, "c", "relation missing", null),
                        now,
                        now,
                        "stand-in"));
              }
              return List.of(
                  WorkerStandIn.succeed(
                      task, JSON.objectNode().put(task.nodeId() + "_result", true)));
            });
    UUID execution = execute(storeGraph(DIAMOND), JSON.objectNode().put("amount", 42), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("failed");
    assertThat((String) row.get("error")).contains("E001").contains("relation missing");
    assertThat(nodeStatuses(execution))
        .containsEntry("c", "failed")
        .containsEntry("d", "cancelled");
    assertThat(workers.tasksFor("d")).isZero();
  }

  @Test
  void aPoisonTaskTheBrokerDeadLetteredFailsItsNodeWithE011() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                task.nodeId().equals("c")
                    ? null // c's worker "dies" on it every time: the broker dead-letters it
                    : List.of(
                        WorkerStandIn.succeed(
                            task, JSON.objectNode().put(task.nodeId() + "_result", true))));
    UUID execution = execute(storeGraph(DIAMOND), JSON.objectNode().put("amount", 42), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("c") == 1);
    var task = workers.tasks.stream().filter(t -> t.nodeId().equals("c")).findFirst().get();
    // The mark a worker leaves when it dies running a redelivered task alone.
    redis.value(String.class).setex(SuspectTasks.key(execution, "c", 1), 60, "stand-in");

    deadLetter(Queues.DB_TASKS, Json.MAPPER.writeValueAsBytes(task));
    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("failed");
    assertThat((String) row.get("error")).contains("E011").contains("poison task");
    assertThat(nodeStatuses(execution))
        .containsEntry("c", "failed")
        .containsEntry("d", "cancelled");
    assertThat(attemptOutcomes(execution, "c")).isEqualTo(Map.of(1, "failed"));
    assertThat(redis.key(String.class).exists(SuspectTasks.key(execution, "c", 1))).isFalse();

    // The same dead-lettered task again (a second replica, a redelivery): nothing changes.
    deadLetter(Queues.DB_TASKS, Json.MAPPER.writeValueAsBytes(task));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> attemptOutcomes(execution, "c").equals(Map.of(1, "failed")));
  }

  @Test
  void anUnmarkedDeadLetteredTaskIsDispatchedAgain() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                task.nodeId().equals("c") && task.attempt() == 1
                    ? null // lost alongside a poison task: dead-lettered, never run
                    : List.of(
                        WorkerStandIn.succeed(
                            task, JSON.objectNode().put(task.nodeId() + "_result", true))));
    UUID execution = execute(storeGraph(DIAMOND), JSON.objectNode().put("amount", 42), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("c") == 1);
    var task = workers.tasks.stream().filter(t -> t.nodeId().equals("c")).findFirst().get();

    deadLetter(Queues.DB_TASKS, Json.MAPPER.writeValueAsBytes(task));
    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(attemptOutcomes(execution, "c")).isEqualTo(Map.of(1, "failed", 2, "succeeded"));
  }

  @Test
  void aPoisonVerdictOnAnExpiredAttemptFailsTheAttemptDispatchedAfterIt() throws Exception {
    // The worker pool "dies" on every task of node slow: attempt 1 expires, attempt 2 is
    // dispatched, and only then does attempt 1's task reach the DLQ as a poison task.
    workers = new WorkerStandIn(task -> null);
    UUID graph =
        storeGraph(
            """
            nodes:
              slow: {node_type: RuleNode, timeout_ms: 400}
            """);
    UUID execution = execute(graph, JSON.objectNode(), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("slow") >= 2);
    var first =
        workers.tasks.stream()
            .filter(t -> t.nodeId().equals("slow") && t.attempt() == 1)
            .findFirst()
            .get();
    redis.value(String.class).setex(SuspectTasks.key(execution, "slow", 1), 60, "2");

    deadLetter(Queues.RULE_TASKS, Json.MAPPER.writeValueAsBytes(first));
    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("failed");
    assertThat((String) row.get("error")).contains("E011").contains("poison task");
    Map<Integer, String> outcomes = attemptOutcomes(execution, "slow");
    assertThat(outcomes).containsEntry(1, "timed_out");
    int last = outcomes.keySet().stream().max(Integer::compare).get();
    assertThat(last).as("no attempt after the verdict").isGreaterThanOrEqualTo(2);
    assertThat(outcomes).containsEntry(last, "failed");
  }

  @Test
  void aResultTheBrokerDeadLetteredIsAppliedOnce() throws Exception {
    List<NodeResult> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    workers =
        new WorkerStandIn(
            task -> {
              NodeResult result =
                  WorkerStandIn.succeed(
                      task, JSON.objectNode().put(task.nodeId() + "_result", true));
              if (task.nodeId().equals("b")) {
                held.add(result); // delivered too often to the results queue: dead-lettered
                return null;
              }
              return List.of(result);
            });
    UUID execution = execute(storeGraph(DIAMOND), JSON.objectNode().put("amount", 42), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);

    byte[] result = Json.MAPPER.writeValueAsBytes(held.get(0));
    deadLetter(Queues.RESULTS_AGGREGATION, result);
    deadLetter(Queues.RESULTS_AGGREGATION, result);
    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(attemptOutcomes(execution, "b")).isEqualTo(Map.of(1, "succeeded"));
    assertThat(workers.tasksFor("d")).isEqualTo(1);
  }

  @Test
  void unreadableDeadLettersAreParkedUnchangedWithTheirQueueAndCounted() throws Exception {
    byte[] garbage = "{not a node result".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] wrongShape = "{\"hello\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    double before = parkedCount(Queues.RESULTS_AGGREGATION + ".dlq");
    try (var connection = WorkerStandIn.connect("parked-test");
        var channel = connection.createChannel()) {
      channel.queuePurge(Topology.PARKED);
      channel.confirmSelect();
      channel.basicPublish(
          Topology.DEAD_LETTER_EXCHANGE,
          Queues.RESULTS_AGGREGATION,
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .deliveryMode(2)
              .messageId("garbage-1")
              .headers(Map.of("x-first-death-reason", "rejected", "trace", "t-1"))
              .build(),
          garbage);
      channel.basicPublish(
          Topology.DEAD_LETTER_EXCHANGE,
          Queues.GRAPH_ORCHESTRATION,
          new AMQP.BasicProperties.Builder().deliveryMode(2).messageId("wrong-shape").build(),
          wrongShape);
      channel.waitForConfirmsOrDie(5_000);

      List<com.rabbitmq.client.GetResponse> parked = new java.util.ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                var got = channel.basicGet(Topology.PARKED, true);
                if (got != null) {
                  parked.add(got);
                }
                return parked.size() == 2;
              });
      Map<String, com.rabbitmq.client.GetResponse> byId = new HashMap<>();
      parked.forEach(got -> byId.put(got.getProps().getMessageId(), got));

      var first = byId.get("garbage-1");
      assertThat(first.getBody()).isEqualTo(garbage);
      assertThat(first.getProps().getContentType()).isEqualTo("application/json");
      Map<String, Object> headers = first.getProps().getHeaders();
      assertThat(headers.get("trace").toString()).isEqualTo("t-1");
      assertThat(headers.get("x-first-death-reason").toString()).isEqualTo("rejected");
      assertThat(headers.get(Topology.PARKED_FROM_HEADER).toString())
          .isEqualTo(Queues.RESULTS_AGGREGATION + ".dlq");
      assertThat(headers.get(Topology.PARKED_REASON_HEADER).toString()).isNotBlank();

      var second = byId.get("wrong-shape");
      assertThat(second.getBody()).isEqualTo(wrongShape);
      assertThat(second.getProps().getHeaders().get(Topology.PARKED_FROM_HEADER).toString())
          .isEqualTo(Queues.GRAPH_ORCHESTRATION + ".dlq");

      // acked once parked: nothing left in the DLQs, nothing handed back
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  channel.messageCount(Queues.RESULTS_AGGREGATION + ".dlq") == 0
                      && channel.messageCount(Queues.GRAPH_ORCHESTRATION + ".dlq") == 0
                      && channel.basicGet(Topology.PARKED, false) == null);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> parkedCount(Queues.RESULTS_AGGREGATION + ".dlq") == before + 1);
  }

  private double parkedCount(String queue) throws Exception {
    String text = new String(metrics.openStream().readAllBytes());
    String prefix = "lgf_dead_letters_parked_total{queue=\"" + queue + "\"";
    return text.lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  /** Publishes a message to the DLQ of {@code queue} the way the broker dead-letters it. */
  private void deadLetter(String queue, byte[] body) throws Exception {
    try (var connection = WorkerStandIn.connect("dead-letter-test");
        var channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          Topology.DEAD_LETTER_EXCHANGE,
          queue,
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .deliveryMode(2)
              .headers(Map.of("x-first-death-reason", "delivery_limit"))
              .build(),
          body);
      channel.waitForConfirmsOrDie(5_000);
    }
  }

  @Test
  void falseConditionSkipsTheBranchAndSkipsPropagate() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    WorkerStandIn.succeed(
                        task,
                        JSON.objectNode()
                            .put(
                                task.nodeId() + "_result",
                                task.nodeId().equals("a") ? false : true))));
    UUID graph =
        storeGraph(
            """
            nodes:
              a: {node_type: RuleNode, condition: "amount > 10"}
              b: {node_type: RuleNode}
              c: {node_type: RuleNode}
              d: {node_type: RuleNode}
            edges:
              - {from: a, to: b, condition: "a_result == true"}
              - {from: b, to: c}
              - {from: a, to: d, condition: "a_result == false"}
            """);
    UUID execution = execute(graph, JSON.objectNode().put("amount", 1), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(nodeStatuses(execution))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", "completed", "b", "skipped", "c", "skipped", "d", "completed"));
    assertThat(workers.tasksFor("b") + workers.tasksFor("c")).isZero();
  }

  @Test
  void lostTaskIsDispatchedAgainAfterItsDeadlineAndLateResultsChangeNothing() throws Exception {
    Map<Integer, NodeResult> firstAttempt = new ConcurrentHashMap<>();
    workers =
        new WorkerStandIn(
            task -> {
              if (task.attempt() == 1) {
                firstAttempt.put(
                    1, WorkerStandIn.succeed(task, JSON.objectNode().put("slow_result", "late")));
                return null; // lost: no answer
              }
              NodeResult late = firstAttempt.get(1);
              NodeResult current =
                  WorkerStandIn.succeed(
                      task, JSON.objectNode().put("slow_result", "attempt " + task.attempt()));
              return List.of(late, current);
            });
    UUID graph =
        storeGraph(
            """
            nodes:
              slow: {node_type: RuleNode, timeout_ms: 400}
            """);
    UUID execution = execute(graph, JSON.objectNode(), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(Json.MAPPER.readTree((String) row.get("context")).get("slow_result").asText())
        .isEqualTo("attempt 2");
    assertThat(attemptOutcomes(execution, "slow"))
        .containsEntry(1, "timed_out")
        .containsEntry(2, "succeeded");
  }

  @Test
  void confirmedTasksAreRecordedDispatchedWithoutAStepOfTheirOwnAndNotPublishedAgain()
      throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                task.nodeId().equals("held")
                    ? null // the worker holds this task: no step of the execution follows
                    : List.of(
                        WorkerStandIn.succeed(
                            task, JSON.objectNode().put(task.nodeId() + "_result", 1))));
    UUID graph =
        storeGraph(
            """
            nodes:
              first: RuleNode
              held: {node_type: RuleNode, timeout_ms: 60000}
            edges:
              - {from: first, to: held}
            """);
    UUID execution = execute(graph, JSON.objectNode(), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("held") == 1);

    // No step of the execution runs after the one that queued "held": the periodic flush records
    // the broker's confirm.
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatchedAt(execution, "held") != null);
    assertThat(dispatchedAt(execution, "first")).isNotNull();
    // Past the dispatch grace (5 s), the reconciler (every second here) still finds nothing to
    // publish again.
    await()
        .during(Duration.ofSeconds(6))
        .atMost(Duration.ofSeconds(8))
        .until(() -> workers.tasksFor("held") == 1);

    var task = workers.tasks.stream().filter(t -> t.nodeId().equals("held")).findFirst().get();
    workers.publish(WorkerStandIn.succeed(task, JSON.objectNode().put("held_result", 2)));
    Map<String, Object> row = awaitTerminal(execution);
    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(attemptOutcomes(execution, "held")).isEqualTo(Map.of(1, "succeeded"));
  }

  private OffsetDateTime dispatchedAt(UUID execution, String node) {
    return pool.preparedQuery(
            "SELECT dispatched_at FROM node_executions WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(execution, node))
        .await()
        .atMost(Duration.ofSeconds(5))
        .iterator()
        .next()
        .getOffsetDateTime("dispatched_at");
  }

  @Test
  void acceptedExecutionWhoseRequestWasLostIsStartedByTheReconciler() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    WorkerStandIn.succeed(
                        task, JSON.objectNode().put(task.nodeId() + "_result", 1))));
    UUID graph = storeGraph("nodes: {only: RuleNode}\n");
    UUID execution = execute(graph, JSON.objectNode(), false);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(workers.tasksFor("only")).isEqualTo(1);
  }

  @Test
  void cachedResultIsReusedForTheSameInputsAndMissedWhenAReadInputChanges() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    WorkerStandIn.succeed(
                        task,
                        JSON.objectNode()
                            .put(task.nodeId() + "_result", "ran " + task.attempt()))));
    String salt = UUID.randomUUID().toString(); // a fresh cache for every run of this test
    UUID graph =
        storeGraph(
            "nodes:\n"
                + "  lookup: {node_type: RuleNode, condition: 'x > 1 && \""
                + salt
                + "\" != \"\"', cache: {ttl_s: 60}}\n"
                + "  after: RuleNode\n"
                + "edges: [{from: lookup, to: after}]\n");

    UUID first = execute(graph, JSON.objectNode().put("x", 5).put("unrelated", 1), true);
    assertThat(awaitTerminal(first).get("status")).isEqualTo("completed");
    UUID second = execute(graph, JSON.objectNode().put("x", 5).put("unrelated", 2), true);
    assertThat(awaitTerminal(second).get("status")).isEqualTo("completed");

    assertThat(workers.tasksFor("lookup")).as("second run served from the cache").isEqualTo(1);
    assertThat(attemptOutcomes(second, "lookup")).containsEntry(1, "cached");
    assertThat(
            Json.MAPPER
                .readTree((String) executionRow(second).get("context"))
                .get("lookup_result")
                .asText())
        .isEqualTo("ran 1");
    assertThat(workers.tasksFor("after")).isEqualTo(2);

    UUID third = execute(graph, JSON.objectNode().put("x", 7), true);
    assertThat(awaitTerminal(third).get("status")).isEqualTo("completed");
    assertThat(workers.tasksFor("lookup")).as("a read input changed: miss").isEqualTo(2);
    assertThat(new String(metrics.openStream().readAllBytes()))
        .contains("cache_hits_total")
        .contains("cache_misses_total");
  }

  @Test
  void exportsExecutionAndQueueMetrics() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    WorkerStandIn.succeed(
                        task, JSON.objectNode().put(task.nodeId() + "_result", 1))));
    UUID execution = execute(storeGraph("nodes: {only: RuleNode}\n"), JSON.objectNode(), true);
    awaitTerminal(execution);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String text = new String(metrics.openStream().readAllBytes());
              assertThat(text)
                  .contains("graph_executions_total{status=\"completed\"")
                  .contains("graph_execution_duration_seconds_bucket{status=\"completed\"")
                  .contains("queue_depth{queue_name=\"node.rule.tasks\"")
                  .contains("queue_depth{queue_name=\"node.rule.tasks.dlq\"")
                  .contains("queue_age_seconds{queue_name=\"node.db.tasks\"")
                  .contains("queue_processing_rate{queue_name=\"results.aggregation\"");
            });
  }

  @Test
  void retryableFailureIsRetriedAfterBackoffUntilItSucceeds() throws Exception {
    Map<Integer, Instant> received = new ConcurrentHashMap<>();
    workers =
        new WorkerStandIn(
            task -> {
              received.put(task.attempt(), Instant.now());
              if (task.attempt() < 3) {
                return List.of(
                    failed(task, NodeError.retryable(ErrorCode.E002, "flaky", "down", null)));
              }
              return List.of(
                  WorkerStandIn.succeed(task, JSON.objectNode().put("flaky_result", "ok")));
            });
    UUID graph =
        storeGraph(
            """
            nodes:
              flaky: {node_type: RuleNode, retry: {max_attempts: 3, backoff_ms: 400, multiplier: 2}}
            """);
    UUID execution = execute(graph, JSON.objectNode(), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(attemptOutcomes(execution, "flaky"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(1, "failed", 2, "failed", 3, "succeeded"));
    // Equal jitter: at least half of 400 ms, then half of 800 ms, between the attempts.
    assertThat(Duration.between(received.get(1), received.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(Duration.between(received.get(2), received.get(3)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void exhaustedRetriesFailTheNodeWithItsLastError() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    failed(
                        task,
                        NodeError.retryable(
                            ErrorCode.E008, "ask", "provider 503 #" + task.attempt(), null))));
    UUID graph =
        storeGraph(
            """
            nodes:
              ask: {node_type: RuleNode, retry: {max_attempts: 2, backoff_ms: 10}}
            """);
    UUID execution = execute(graph, JSON.objectNode(), true);

    Map<String, Object> row = awaitTerminal(execution);

    assertThat(row.get("status")).isEqualTo("failed");
    assertThat((String) row.get("error")).contains("provider 503 #2");
    assertThat(attemptOutcomes(execution, "ask")).containsOnlyKeys(1, 2);
    assertThat(workers.tasksFor("ask")).isEqualTo(2);
  }

  @Test
  void cancelStopsDispatchLetsRunningNodesFinishAndCancelsTheRest() throws Exception {
    Map<String, com.fasterxml.jackson.databind.JsonNode> held = new ConcurrentHashMap<>();
    workers =
        new WorkerStandIn(
            task -> {
              if (task.nodeId().equals("b")) {
                held.put("b", Json.MAPPER.valueToTree(task));
                return null; // still running when the cancel arrives
              }
              return List.of(
                  WorkerStandIn.succeed(task, JSON.objectNode().put(task.nodeId() + "_result", 1)));
            });
    UUID graph =
        storeGraph(
            "nodes: {a: RuleNode, b: RuleNode, c: RuleNode}\nedges: [{from: a, to: b}, {from: b, to: c}]\n");
    UUID execution = execute(graph, JSON.objectNode(), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.containsKey("b"));

    request(execution, graph, "cancel_requested_at", ExecutionCommand.CANCEL);
    Map<String, Object> row = awaitTerminal(execution);
    assertThat(row.get("status")).isEqualTo("cancelled");
    assertThat(nodeStatuses(execution))
        .containsEntry("a", "completed")
        .containsEntry("b", "queued")
        .containsEntry("c", "cancelled");

    // The running node finishes: its result is recorded, nothing new is dispatched.
    workers.publish(
        WorkerStandIn.succeed(
            Json.MAPPER.treeToValue(held.get("b"), io.logicgraph.model.message.NodeTask.class),
            JSON.objectNode().put("b_result", 2)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "completed".equals(nodeStatuses(execution).get("b")));
    assertThat(workers.tasksFor("c")).isZero();
    assertThat(executionRow(execution).get("status")).isEqualTo("cancelled");
  }

  @Test
  void retryRerunsOnlyWhatFailedAndReusesCompletedOutputs() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean fixed =
        new java.util.concurrent.atomic.AtomicBoolean();
    workers =
        new WorkerStandIn(
            task -> {
              if (task.nodeId().equals("b") && !fixed.get()) {
                return List.of(
                    failed(task, NodeError.permanent(ErrorCode.E001, "b", "bad data", null)));
              }
              return List.of(
                  WorkerStandIn.succeed(
                      task,
                      JSON.objectNode().put(task.nodeId() + "_result", "run " + task.attempt())));
            });
    UUID graph = storeGraph("nodes: {a: RuleNode, b: RuleNode}\nedges: [{from: a, to: b}]\n");
    UUID execution = execute(graph, JSON.objectNode(), true);
    assertThat(awaitTerminal(execution).get("status")).isEqualTo("failed");

    fixed.set(true);
    request(execution, graph, "retry_requested_at", ExecutionCommand.RETRY);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "completed".equals(executionRow(execution).get("status")));

    JsonNode context = Json.MAPPER.readTree((String) executionRow(execution).get("context"));
    assertThat(context.get("a_result").asText()).isEqualTo("run 1");
    assertThat(context.get("b_result").asText()).isEqualTo("run 2");
    assertThat(workers.tasksFor("a")).isEqualTo(1);
  }

  @Test
  void progressEventsAreStreamedInOrderEndingWithTheFinish() throws Exception {
    workers =
        new WorkerStandIn(
            task ->
                List.of(
                    WorkerStandIn.succeed(
                        task, JSON.objectNode().put(task.nodeId() + "_result", 1))));
    UUID graph = storeGraph("nodes: {a: RuleNode, b: RuleNode}\nedges: [{from: a, to: b}]\n");
    UUID execution = execute(graph, JSON.objectNode(), true);
    awaitTerminal(execution);

    List<String> events =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    redis.stream(String.class)
                        .xrange(
                            ExecutionEvents.streamKey(execution),
                            io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))
                        .stream()
                        .map(m -> describe(m.payload()))
                        .toList(),
                list -> list.contains("execution_finished"));
    assertThat(events)
        .containsExactly(
            "execution_started",
            "node_queued:a",
            "node_completed:a",
            "node_queued:b",
            "node_completed:b",
            "execution_finished");
  }

  private static String describe(Map<String, String> entry) {
    JsonNode data;
    try {
      data = Json.MAPPER.readTree(entry.get("data"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return entry.get("event") + (data.has("node_id") ? ":" + data.get("node_id").asText() : "");
  }

  private static NodeResult failed(io.logicgraph.model.message.NodeTask task, NodeError error) {
    Instant now = Instant.now();
    return NodeResult.failed(task, error, now, now, "stand-in");
  }

  /** What the gateway does for cancel and retry: record the request, then tell the orchestrator. */
  private void request(UUID execution, UUID graph, String column, ExecutionCommand command)
      throws Exception {
    pool.preparedQuery("UPDATE graph_executions SET " + column + " = now() WHERE id = $1")
        .execute(Tuple.of(execution))
        .await()
        .atMost(Duration.ofSeconds(5));
    try (var connection = newConnection();
        var channel = connection.createChannel()) {
      channel.basicPublish(
          Topology.EXCHANGE,
          Queues.GRAPH_ORCHESTRATION,
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .deliveryMode(2)
              .build(),
          Json.MAPPER.writeValueAsBytes(
              ExecutionRequest.of(execution, graph, 1, "default", command)));
    }
  }

  private UUID storeGraph(String yaml) throws Exception {
    ValidationReport report = GraphLoader.load(yaml, GraphFormat.YAML, GraphLimits.DEFAULTS);
    assertThat(report.errors()).isEmpty();
    String definition = Json.MAPPER.writeValueAsString(report.graph());
    UUID id = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.now();
    pool.withTransaction(
            tx ->
                tx.preparedQuery(
                        "INSERT INTO graph_definitions (id, name, version, definition, source,"
                            + " source_format, created_at, updated_at)"
                            + " VALUES ($1, 'test', 1, $2::text::jsonb, $3, 'yaml', $4, $4)")
                    .execute(Tuple.of(id, definition, yaml, now))
                    .chain(
                        () ->
                            tx.preparedQuery(
                                    "INSERT INTO graph_versions (graph_id, version, definition,"
                                        + " created_at) VALUES ($1, 1, $2::text::jsonb, $3)")
                                .execute(Tuple.of(id, definition, now))))
        .await()
        .atMost(Duration.ofSeconds(10));
    return id;
  }

  private UUID execute(UUID graph, ObjectNode input, boolean sendRequest) throws Exception {
    UUID id = UUID.randomUUID();
    pool.preparedQuery(
            "INSERT INTO graph_executions (id, graph_id, graph_version, status, input, created_at,"
                + " updated_at, deadline_at) VALUES ($1, $2, 1, 'pending', $3::text::jsonb, now(), now(),"
                + " now() + interval '5 minutes')")
        .execute(Tuple.of(id, graph, input.toString()))
        .await()
        .atMost(Duration.ofSeconds(10));
    if (sendRequest) {
      try (var connection = newConnection();
          var channel = connection.createChannel()) {
        channel.basicPublish(
            Topology.EXCHANGE,
            Queues.GRAPH_ORCHESTRATION,
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build(),
            Json.MAPPER.writeValueAsBytes(ExecutionRequest.of(id, graph, 1, "default")));
      }
    }
    return id;
  }

  private static com.rabbitmq.client.Connection newConnection() throws Exception {
    return WorkerStandIn.connect("orchestrator-test-client");
  }

  private Map<String, Object> awaitTerminal(UUID execution) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> executionRow(execution),
            row -> Set.of("completed", "failed", "cancelled").contains(row.get("status")));
  }

  private Map<String, Object> executionRow(UUID execution) {
    Row row =
        pool.preparedQuery(
                "SELECT status, context::text AS context, error::text AS error"
                    + " FROM graph_executions WHERE id = $1")
            .execute(Tuple.of(execution))
            .await()
            .atMost(Duration.ofSeconds(5))
            .iterator()
            .next();
    Map<String, Object> values = new HashMap<>();
    values.put("status", row.getString("status"));
    values.put("context", row.getString("context"));
    values.put("error", row.getString("error"));
    return values;
  }

  private Map<String, String> nodeStatuses(UUID execution) {
    Map<String, String> statuses = new HashMap<>();
    pool.preparedQuery("SELECT node_id, status FROM node_executions WHERE execution_id = $1")
        .execute(Tuple.of(execution))
        .await()
        .atMost(Duration.ofSeconds(5))
        .forEach(row -> statuses.put(row.getString("node_id"), row.getString("status")));
    return statuses;
  }

  private Map<Integer, String> attemptOutcomes(UUID execution, String node) {
    Map<Integer, String> outcomes = new HashMap<>();
    pool.preparedQuery(
            "SELECT attempt, outcome FROM node_attempts WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(execution, node))
        .await()
        .atMost(Duration.ofSeconds(5))
        .forEach(row -> outcomes.put(row.getInteger("attempt"), row.getString("outcome")));
    return outcomes;
  }
}
