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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SubgraphNode on real RabbitMQ, Redis and PostgreSQL: a stored graph runs as a child execution of
 * one node attempt, its outcome comes back to the parent exactly once (also when the delivery is
 * lost), failures, nesting limits and cancellation propagate.
 */
@QuarkusTest
@QuarkusTestResource(InfraResource.class)
class SubgraphFlowTest {
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
  void childRunsWithMappedInputAndItsMappedOutputFeedsTheParent() throws Exception {
    workers =
        new WorkerStandIn(
            task -> {
              if (task.nodeId().equals("discount")) {
                int price = task.context().get("product_price").asInt();
                return List.of(
                    WorkerStandIn.succeed(
                        task,
                        JSON.objectNode()
                            .set("discount_result", JSON.objectNode().put("final", price - 5))));
              }
              return List.of(
                  WorkerStandIn.succeed(
                      task,
                      JSON.objectNode().set("after_result", task.context().get("order_total"))));
            });
    UUID child = storeGraph(UUID.randomUUID(), "nodes: {discount: RuleNode}\n");
    UUID parent =
        storeGraph(
            UUID.randomUUID(),
            """
            nodes:
              calc:
                node_type: SubgraphNode
                graph_id: %s
                input_mapping: {product_price: order.price}
                output_mapping: {discount_result.final: order_total}
              after: {node_type: RuleNode, dependencies: [calc]}
            """
                .formatted(child));
    UUID execution =
        execute(parent, JSON.objectNode().set("order", JSON.objectNode().put("price", 100)));

    Row row = awaitTerminal(execution);

    assertThat(row.getString("status")).isEqualTo("completed");
    JsonNode context = Json.MAPPER.readTree(row.getString("context"));
    assertThat(context.get("order_total").asInt()).isEqualTo(95);
    assertThat(context.get("calc_result")).isEqualTo(JSON.objectNode().put("order_total", 95));
    assertThat(context.get("after_result").asInt()).isEqualTo(95);
    Row childRow = childOf(execution, "calc");
    assertThat(childRow.getString("status")).isEqualTo("completed");
    assertThat(childRow.getInteger("parent_attempt")).isEqualTo(1);
    assertThat(childRow.getInteger("depth")).isEqualTo(1);
    assertThat(childRow.getUUID("graph_id")).isEqualTo(child);
    assertThat(Json.MAPPER.readTree(childRow.getString("input")))
        .isEqualTo(JSON.objectNode().put("product_price", 100));
    assertThat(workers.tasksFor("calc")).as("nothing is published for a SubgraphNode").isZero();
    assertThat(attempts(execution, "calc")).containsExactly("1:succeeded");
  }

  @Test
  void childFailureFailsTheNodeWithANonRetryableE001NamingTheChild() throws Exception {
    workers =
        new WorkerStandIn(
            task -> {
              Instant now = Instant.now();
              return List.of(
                  NodeResult.failed(
                      task,
                      NodeError.permanent(ErrorCode.E003, task.nodeId(), "rule exploded", null),
                      now,
                      now,
                      "stand-in"));
            });
    UUID child = storeGraph(UUID.randomUUID(), "nodes: {boom: RuleNode}\n");
    UUID parent =
        storeGraph(
            UUID.randomUUID(),
            "nodes: {calc: {node_type: SubgraphNode, graph_id: %s, retry: {max_attempts: 3}}}\n"
                .formatted(child));
    UUID execution = execute(parent, JSON.objectNode().put("x", 1));

    Row row = awaitTerminal(execution);

    assertThat(row.getString("status")).isEqualTo("failed");
    UUID childId = childOf(execution, "calc").getUUID("id");
    NodeError error = nodeError(execution, "calc");
    assertThat(error.code()).isEqualTo(ErrorCode.E001);
    assertThat(error.retryable()).isFalse();
    assertThat(error.message())
        .contains("child execution " + childId, "failed", "E003", "rule exploded");
    assertThat(attempts(execution, "calc")).containsExactly("1:failed");
  }

  @Test
  void missingGraphFailsTheNodeWithE004() throws Exception {
    workers = new WorkerStandIn(task -> List.of(WorkerStandIn.succeed(task, JSON.objectNode())));
    UUID missing = UUID.randomUUID();
    UUID parent =
        storeGraph(
            UUID.randomUUID(),
            "nodes: {calc: {node_type: SubgraphNode, graph_id: %s}}\n".formatted(missing));
    UUID execution = execute(parent, JSON.objectNode());

    assertThat(awaitTerminal(execution).getString("status")).isEqualTo("failed");
    NodeError error = nodeError(execution, "calc");
    assertThat(error.code()).isEqualTo(ErrorCode.E004);
    assertThat(error.message()).contains(missing.toString(), "does not exist or was deleted");
    assertThat(children(execution)).isZero();
  }

  @Test
  void nestingDeeperThanTheLimitFailsWithE004AndThePathUpFails() throws Exception {
    workers = new WorkerStandIn(task -> List.of(WorkerStandIn.succeed(task, JSON.objectNode())));
    UUID self = UUID.randomUUID();
    storeGraph(self, "nodes: {calc: {node_type: SubgraphNode, graph_id: %s}}\n".formatted(self));
    UUID execution = execute(self, JSON.objectNode());

    assertThat(awaitTerminal(execution).getString("status")).isEqualTo("failed");
    UUID current = execution;
    for (int depth = 1; depth <= 5; depth++) {
      Row child = childOf(current, "calc");
      assertThat(child.getInteger("depth")).isEqualTo(depth);
      current = child.getUUID("id");
    }
    UUID deepest = current;
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> TERMINAL.contains(executionRow(deepest).getString("status")));
    assertThat(children(deepest)).isZero();
    NodeError error = nodeError(deepest, "calc");
    assertThat(error.code()).isEqualTo(ErrorCode.E004);
    assertThat(error.message()).contains("depth 6", "orchestrator.max-subgraph-depth", "5");
    assertThat(nodeError(execution, "calc").code()).isEqualTo(ErrorCode.E001);
  }

  @Test
  void cancellingTheParentCancelsItsRunningChild() throws Exception {
    workers = new WorkerStandIn(task -> null); // the child's node never answers
    UUID child = storeGraph(UUID.randomUUID(), "nodes: {slow: RuleNode}\n");
    UUID parent =
        storeGraph(
            UUID.randomUUID(),
            "nodes: {calc: {node_type: SubgraphNode, graph_id: %s}}\n".formatted(child));
    UUID execution = execute(parent, JSON.objectNode());
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("slow") > 0);
    UUID childId = childOf(execution, "calc").getUUID("id");

    sql("UPDATE graph_executions SET cancel_requested_at = now() WHERE id = $1", execution);
    advancer.request(execution).await().atMost(Duration.ofSeconds(10));

    assertThat(awaitTerminal(execution).getString("status")).isEqualTo("cancelled");
    assertThat(awaitTerminal(childId).getString("status")).isEqualTo("cancelled");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> attempts(execution, "calc").equals(List.of("1:failed")));
  }

  @Test
  void aLostDeliveryIsMadeUpByTheReconcilerAndAppliedOnce() throws Exception {
    workers = new WorkerStandIn(task -> null); // the child's node never answers
    UUID child = storeGraph(UUID.randomUUID(), "nodes: {slow: RuleNode}\n");
    UUID parent =
        storeGraph(
            UUID.randomUUID(),
            "nodes: {calc: {node_type: SubgraphNode, graph_id: %s}}\n".formatted(child));
    UUID execution = execute(parent, JSON.objectNode());
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.tasksFor("slow") > 0);
    UUID childId = childOf(execution, "calc").getUUID("id");

    // The child finishes, and the process dies before telling its parent.
    sql(
        "UPDATE graph_executions SET status = 'completed', context = '{\"x\": 1}'::jsonb,"
            + " completed_at = now(), updated_at = now() WHERE id = $1",
        childId);

    Row row = awaitTerminal(execution);
    assertThat(row.getString("status")).isEqualTo("completed");
    assertThat(Json.MAPPER.readTree(row.getString("context")).get("calc_result"))
        .isEqualTo(JSON.objectNode().put("x", 1));
    // A second delivery (the child's own, late) changes nothing.
    advancer.request(execution).await().atMost(Duration.ofSeconds(10));
    assertThat(attempts(execution, "calc")).containsExactly("1:succeeded");
    assertThat(executionRow(execution).getString("status")).isEqualTo("completed");
  }

  private UUID storeGraph(UUID id, String yaml) throws Exception {
    ValidationReport report = GraphLoader.load(yaml, GraphFormat.YAML, GraphLimits.DEFAULTS);
    assertThat(report.errors()).isEmpty();
    String definition = Json.MAPPER.writeValueAsString(report.graph());
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
    pool.preparedQuery(
            "INSERT INTO graph_executions (id, graph_id, graph_version, status, input, created_at,"
                + " updated_at, deadline_at) VALUES ($1, $2, 1, 'pending', $3::text::jsonb, now(),"
                + " now(), now() + interval '5 minutes')")
        .execute(Tuple.of(id, graph, input.toString()))
        .await()
        .atMost(Duration.ofSeconds(10));
    advancer.request(id).await().atMost(Duration.ofSeconds(10));
    return id;
  }

  private RowSet<Row> sql(String statement, Object... args) {
    return pool.preparedQuery(statement)
        .execute(Tuple.from(args))
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private Row executionRow(UUID execution) {
    return sql(
            "SELECT status, context::text AS context, error::text AS error FROM graph_executions"
                + " WHERE id = $1",
            execution)
        .iterator()
        .next();
  }

  private Row awaitTerminal(UUID execution) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> executionRow(execution), row -> TERMINAL.contains(row.getString("status")));
  }

  private Row childOf(UUID parent, String nodeId) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                sql(
                    "SELECT id, status, graph_id, input::text AS input, parent_attempt, depth"
                        + " FROM graph_executions WHERE parent_execution_id = $1"
                        + " AND parent_node_id = $2 ORDER BY parent_attempt DESC",
                    parent,
                    nodeId),
            rows -> rows.size() > 0)
        .iterator()
        .next();
  }

  private long children(UUID parent) {
    return sql("SELECT count(*) AS n FROM graph_executions WHERE parent_execution_id = $1", parent)
        .iterator()
        .next()
        .getLong("n");
  }

  private NodeError nodeError(UUID execution, String nodeId) throws Exception {
    String error =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    sql(
                            "SELECT error::text AS error FROM node_executions"
                                + " WHERE execution_id = $1 AND node_id = $2",
                            execution,
                            nodeId)
                        .iterator()
                        .next()
                        .getString("error"),
                e -> e != null);
    return Json.MAPPER.readValue(error, NodeError.class);
  }

  private List<String> attempts(UUID execution, String nodeId) {
    List<String> out = new java.util.ArrayList<>();
    sql(
            "SELECT attempt, outcome FROM node_attempts WHERE execution_id = $1 AND node_id = $2"
                + " ORDER BY attempt",
            execution,
            nodeId)
        .forEach(r -> out.add(r.getInteger("attempt") + ":" + r.getString("outcome")));
    return out;
  }
}
