package io.logicgraph.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dynamic fan-out ({@code over}) on real RabbitMQ, Redis and PostgreSQL: one task per element, at
 * most {@code max_concurrency} in flight, results in input order, each item try applied once.
 */
@QuarkusTest
@QuarkusTestResource(InfraResource.class)
class FanOutFlowTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

  @Inject Pool pool;
  @Inject Advancer advancer;

  private WorkerStandIn workers;

  @AfterEach
  void close() throws Exception {
    if (workers != null) {
      workers.close();
    }
  }

  @Test
  void runsOncePerElementWithinMaxConcurrencyAndCollectsResultsInInputOrder() throws Exception {
    ConcurrentLinkedQueue<NodeTask> held = new ConcurrentLinkedQueue<>();
    workers =
        new WorkerStandIn(
            task -> {
              if (task.nodeId().equals("check")) {
                held.add(task);
                return null;
              }
              return List.of(
                  WorkerStandIn.succeed(
                      task,
                      JSON.objectNode().set("after_result", task.context().get("check_result"))));
            });
    UUID graph =
        storeGraph(
            """
            nodes:
              check: {node_type: RuleNode, condition: "item > 1", over: order.lines, max_concurrency: 2}
              after: {node_type: RuleNode, dependencies: [check]}
            """);
    ObjectNode input = JSON.objectNode();
    input.putObject("order").putArray("lines").add(10).add(20).add(30).add(40).add(50);
    UUID execution = execute(graph, input);

    int answered = 0;
    while (answered < 5) {
      int expected = Math.min(2, 5 - answered);
      await().atMost(Duration.ofSeconds(10)).until(() -> held.size() >= expected);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> held.size() == expected);
      List<NodeTask> batch = new ArrayList<>();
      while (!held.isEmpty()) {
        batch.add(held.poll());
      }
      for (int i = batch.size() - 1; i >= 0; i--) { // answer out of order, each twice
        NodeTask task = batch.get(i);
        assertThat(task.context().get("item").asInt())
            .isEqualTo(
                input
                    .get("order")
                    .get("lines")
                    .get(task.context().get("item_index").asInt())
                    .asInt());
        NodeResult result =
            WorkerStandIn.succeed(
                task,
                JSON.objectNode().put("check_result", task.context().get("item").asInt() * 2));
        workers.publish(result);
        workers.publish(result);
      }
      answered += batch.size();
    }

    Row row = awaitTerminal(execution);
    assertThat(row.getString("status")).isEqualTo("completed");
    JsonNode context = Json.MAPPER.readTree(row.getString("context"));
    assertThat(context.get("check_result").toString()).isEqualTo("[20,40,60,80,100]");
    assertThat(context.get("after_result").toString()).isEqualTo("[20,40,60,80,100]");
    assertThat(workers.tasksFor("check")).isEqualTo(5);
    assertThat(attempts(execution, "check")).hasSize(5).allMatch(a -> a.endsWith(":succeeded"));
  }

  @Test
  void anItemFailingForGoodFailsTheNodeAfterItsRetries() throws Exception {
    AtomicInteger triesOfOne = new AtomicInteger();
    workers =
        new WorkerStandIn(
            task -> {
              Instant now = Instant.now();
              if (task.context().get("item_index").asInt() == 1) {
                triesOfOne.incrementAndGet();
                return List.of(
                    NodeResult.failed(
                        task,
                        NodeError.retryable(ErrorCode.E002, "check", "database away", null),
                        now,
                        now,
                        "stand-in"));
              }
              return List.of(
                  WorkerStandIn.succeed(task, JSON.objectNode().put("check_result", true)));
            });
    UUID graph =
        storeGraph(
            "nodes: {check: {node_type: RuleNode, over: xs, retry: {max_attempts: 2, backoff_ms: 0}}}\n");
    ObjectNode input = JSON.objectNode();
    input.putArray("xs").add(1).add(2).add(3);
    UUID execution = execute(graph, input);

    assertThat(awaitTerminal(execution).getString("status")).isEqualTo("failed");
    assertThat(triesOfOne.get()).isEqualTo(2);
    NodeError error = nodeError(execution, "check");
    assertThat(error.code()).isEqualTo(ErrorCode.E002);
    assertThat(error.retryable()).isFalse();
    assertThat(error.message()).contains("item 1 of node 'check' failed", "database away");
  }

  @Test
  void aRetriedItemWaitsOutItsBackoff() throws Exception {
    java.util.List<Instant> triesOfZero = new java.util.concurrent.CopyOnWriteArrayList<>();
    workers =
        new WorkerStandIn(
            task -> {
              Instant now = Instant.now();
              if (task.context().get("item_index").asInt() == 0 && triesOfZero.isEmpty()) {
                triesOfZero.add(now);
                return List.of(
                    NodeResult.failed(
                        task,
                        NodeError.retryable(ErrorCode.E002, "check", "database away", null),
                        now,
                        now,
                        "stand-in"));
              }
              if (task.context().get("item_index").asInt() == 0) {
                triesOfZero.add(now);
              }
              return List.of(
                  WorkerStandIn.succeed(task, JSON.objectNode().put("check_result", "ok")));
            });
    UUID graph =
        storeGraph(
            "nodes: {check: {node_type: RuleNode, over: xs, retry: {max_attempts: 2, backoff_ms: 600}}}\n");
    ObjectNode input = JSON.objectNode();
    input.putArray("xs").add(1).add(2);
    UUID execution = execute(graph, input);

    assertThat(awaitTerminal(execution).getString("status")).isEqualTo("completed");
    assertThat(triesOfZero).hasSize(2);
    // Equal jitter: at least half of the 600 ms backoff between the two tries.
    assertThat(java.time.Duration.between(triesOfZero.get(0), triesOfZero.get(1)))
        .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300));
  }

  @Test
  void aLostItemTaskIsDispatchedAgainAfterItsDeadline() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    workers =
        new WorkerStandIn(
            task ->
                seen.incrementAndGet() == 1
                    ? null
                    : List.of(
                        WorkerStandIn.succeed(task, JSON.objectNode().put("check_result", "ok"))));
    UUID graph = storeGraph("nodes: {check: {node_type: RuleNode, over: xs, timeout_ms: 1000}}\n");
    ObjectNode input = JSON.objectNode();
    input.putArray("xs").add("a");
    UUID execution = execute(graph, input);

    Row row = awaitTerminal(execution);
    assertThat(row.getString("status")).isEqualTo("completed");
    assertThat(Json.MAPPER.readTree(row.getString("context")).get("check_result").toString())
        .isEqualTo("[\"ok\"]");
    assertThat(attempts(execution, "check")).contains("2:timed_out", "3:succeeded");
  }

  @Test
  void anEmptyArrayCompletesAtOnceAndANonArrayFailsWithE010() throws Exception {
    workers = new WorkerStandIn(task -> List.of(WorkerStandIn.succeed(task, JSON.objectNode())));
    UUID graph = storeGraph("nodes: {check: {node_type: RuleNode, over: xs}}\n");
    ObjectNode empty = JSON.objectNode();
    empty.putArray("xs");
    UUID none = execute(graph, empty);
    Row row = awaitTerminal(none);
    assertThat(row.getString("status")).isEqualTo("completed");
    assertThat(Json.MAPPER.readTree(row.getString("context")).get("check_result").toString())
        .isEqualTo("[]");

    UUID wrong = execute(graph, JSON.objectNode().put("xs", 5));
    assertThat(awaitTerminal(wrong).getString("status")).isEqualTo("failed");
    assertThat(nodeError(wrong, "check").code()).isEqualTo(ErrorCode.E010);
    assertThat(workers.tasksFor("check")).isZero();
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

  private UUID execute(UUID graph, ObjectNode input) {
    UUID id = UUID.randomUUID();
    sql(
        "INSERT INTO graph_executions (id, graph_id, graph_version, status, input, created_at,"
            + " updated_at, deadline_at) VALUES ($1, $2, 1, 'pending', $3::text::jsonb, now(),"
            + " now(), now() + interval '5 minutes')",
        id,
        graph,
        input.toString());
    advancer.request(id).await().atMost(Duration.ofSeconds(10));
    return id;
  }

  private RowSet<Row> sql(String statement, Object... args) {
    return pool.preparedQuery(statement)
        .execute(Tuple.from(args))
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private Row awaitTerminal(UUID execution) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                sql(
                        "SELECT status, context::text AS context FROM graph_executions"
                            + " WHERE id = $1",
                        execution)
                    .iterator()
                    .next(),
            row -> TERMINAL.contains(row.getString("status")));
  }

  private NodeError nodeError(UUID execution, String nodeId) throws Exception {
    String error =
        sql(
                "SELECT error::text AS error FROM node_executions"
                    + " WHERE execution_id = $1 AND node_id = $2",
                execution,
                nodeId)
            .iterator()
            .next()
            .getString("error");
    return Json.MAPPER.readValue(error, NodeError.class);
  }

  private List<String> attempts(UUID execution, String nodeId) {
    List<String> out = new ArrayList<>();
    sql(
            "SELECT attempt, outcome FROM node_attempts WHERE execution_id = $1 AND node_id = $2"
                + " ORDER BY attempt",
            execution,
            nodeId)
        .forEach(r -> out.add(r.getInteger("attempt") + ":" + r.getString("outcome")));
    return out;
  }
}
