package io.logicgraph.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.graph.GraphDefinition;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Durable execution state in PostgreSQL, the truth every other copy is rebuilt from. Every method
 * taking a connection runs inside the caller's transaction.
 */
@ApplicationScoped
public class ExecutionStore {
  private final Pool pool;

  public ExecutionStore(Pool pool) {
    this.pool = pool;
  }

  public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
    return pool.withTransaction(work);
  }

  /** Locks the execution row for this transaction; null when it does not exist. */
  public Uni<ExecutionRow> lockExecution(SqlConnection tx, UUID id) {
    return tx.preparedQuery(
            "SELECT id, tenant_id, graph_id, graph_version, status, input::text AS input,"
                + " created_at, deadline_at, cancel_requested_at, retry_requested_at, now() AS now,"
                + " parent_execution_id, parent_node_id, parent_attempt, depth, updated_at"
                + " FROM graph_executions WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toExecution(rows.iterator().next()));
  }

  public Uni<GraphDefinition> loadDefinition(UUID graphId, int version) {
    return pool.preparedQuery(
            "SELECT definition::text AS definition FROM graph_versions"
                + " WHERE graph_id = $1 AND version = $2")
        .execute(Tuple.of(graphId, version))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw new LogicGraphException(
                    ErrorCode.E004,
                    "graph " + graphId + " has no version " + version,
                    false,
                    "the graph version an execution references must exist");
              }
              return read(rows.iterator().next().getString("definition"), GraphDefinition.class);
            });
  }

  private static final String NODE_COLUMNS =
      "node_id, status, attempt, output IS NOT NULL AS has_output, error::text AS error,"
          + " queued_at, dispatched_at, deadline_at, not_before";

  /**
   * The node rows of an execution. In the same statement, records the broker's confirms of earlier
   * steps' tasks that are still only in memory ({@code confirmed}): a row marked so is returned
   * with {@code dispatched_at} = the transaction's time.
   */
  public Uni<Map<String, NodeRow>> loadNodes(
      SqlConnection tx, UUID executionId, DispatchMarks.Marks confirmed, Instant now) {
    if (confirmed == null || confirmed.isEmpty()) {
      return tx.preparedQuery(
              "SELECT " + NODE_COLUMNS + " FROM node_executions WHERE execution_id = $1")
          .execute(Tuple.of(executionId))
          .map(rows -> toNodes(rows, now));
    }
    if (confirmed.itemNodeIds().length == 0) {
      // Most steps: no fan-out item among the confirms, so node_items is not touched at all.
      return tx.preparedQuery(
              "WITH marked AS (UPDATE node_executions n SET dispatched_at = now()"
                  + " FROM unnest($2::text[], $3::int[]) AS u(node_id, attempt)"
                  + " WHERE n.execution_id = $1 AND n.node_id = u.node_id AND n.attempt = u.attempt"
                  + " AND n.status = 'queued' AND n.dispatched_at IS NULL RETURNING n.node_id)"
                  + " SELECT "
                  + NODE_COLUMNS
                  + ", node_id IN (SELECT node_id FROM marked) AS marked"
                  + " FROM node_executions WHERE execution_id = $1")
          .execute(Tuple.of(executionId, confirmed.nodeIds(), confirmed.nodeAttempts()))
          .map(rows -> toNodes(rows, now));
    }
    return tx.preparedQuery(
            "WITH marked AS (UPDATE node_executions n SET dispatched_at = now()"
                + " FROM unnest($2::text[], $3::int[]) AS u(node_id, attempt)"
                + " WHERE n.execution_id = $1 AND n.node_id = u.node_id AND n.attempt = u.attempt"
                + " AND n.status = 'queued' AND n.dispatched_at IS NULL RETURNING n.node_id),"
                + " marked_items AS (UPDATE node_items i SET dispatched_at = now()"
                + " FROM unnest($4::text[], $5::int[]) AS u(node_id, attempt)"
                + " WHERE i.execution_id = $1 AND i.node_id = u.node_id AND i.attempt = u.attempt"
                + " AND i.status = 'queued' AND i.dispatched_at IS NULL RETURNING 1)"
                + " SELECT "
                + NODE_COLUMNS
                + ", node_id IN (SELECT node_id FROM marked) AS marked"
                + " FROM node_executions WHERE execution_id = $1")
        .execute(
            Tuple.of(
                executionId,
                confirmed.nodeIds(),
                confirmed.nodeAttempts(),
                confirmed.itemNodeIds(),
                confirmed.itemAttempts()))
        .map(rows -> toNodes(rows, now));
  }

  private static Map<String, NodeRow> toNodes(RowSet<Row> rows, Instant now) {
    Map<String, NodeRow> nodes = new LinkedHashMap<>();
    boolean withMarks = rows.columnsNames().contains("marked");
    for (Row row : rows) {
      NodeRow node = toNode(row);
      if (withMarks && Boolean.TRUE.equals(row.getBoolean("marked"))) {
        node = node.withDispatchedAt(now);
      }
      nodes.put(node.nodeId(), node);
    }
    return nodes;
  }

  /**
   * Records that the broker confirmed these tasks, for executions no step of this replica wrote
   * them for. Executions whose row another transaction holds are skipped (that step or the next
   * flush writes them; waiting could deadlock with a step updating the same node rows); returns the
   * executions written.
   */
  public Uni<Set<UUID>> flushDispatched(Map<UUID, DispatchMarks.Marks> confirmed) {
    List<UUID> executions = new ArrayList<>(confirmed.keySet());
    List<UUID> nodeExecutions = new ArrayList<>();
    List<String> nodeIds = new ArrayList<>();
    List<Integer> nodeAttempts = new ArrayList<>();
    List<UUID> itemExecutions = new ArrayList<>();
    List<String> itemNodeIds = new ArrayList<>();
    List<Integer> itemAttempts = new ArrayList<>();
    confirmed.forEach(
        (executionId, marks) -> {
          for (int i = 0; i < marks.nodeIds().length; i++) {
            nodeExecutions.add(executionId);
            nodeIds.add(marks.nodeIds()[i]);
            nodeAttempts.add(marks.nodeAttempts()[i]);
          }
          for (int i = 0; i < marks.itemNodeIds().length; i++) {
            itemExecutions.add(executionId);
            itemNodeIds.add(marks.itemNodeIds()[i]);
            itemAttempts.add(marks.itemAttempts()[i]);
          }
        });
    return pool.preparedQuery(
            "WITH locked AS (SELECT id FROM graph_executions WHERE id = ANY($1::uuid[])"
                + " FOR UPDATE SKIP LOCKED),"
                + " marked AS (UPDATE node_executions n SET dispatched_at = now()"
                + " FROM unnest($2::uuid[], $3::text[], $4::int[]) AS u(execution_id, node_id, attempt)"
                + " JOIN locked l ON l.id = u.execution_id"
                + " WHERE n.execution_id = u.execution_id AND n.node_id = u.node_id"
                + " AND n.attempt = u.attempt AND n.status = 'queued' AND n.dispatched_at IS NULL"
                + " RETURNING 1),"
                + " marked_items AS (UPDATE node_items i SET dispatched_at = now()"
                + " FROM unnest($5::uuid[], $6::text[], $7::int[]) AS u(execution_id, node_id, attempt)"
                + " JOIN locked l ON l.id = u.execution_id"
                + " WHERE i.execution_id = u.execution_id AND i.node_id = u.node_id"
                + " AND i.attempt = u.attempt AND i.status = 'queued' AND i.dispatched_at IS NULL"
                + " RETURNING 1)"
                + " SELECT id FROM locked")
        .execute(
            Tuple.from(
                new Object[] {
                  executions.toArray(UUID[]::new),
                  nodeExecutions.toArray(UUID[]::new),
                  nodeIds.toArray(String[]::new),
                  nodeAttempts.toArray(Integer[]::new),
                  itemExecutions.toArray(UUID[]::new),
                  itemNodeIds.toArray(String[]::new),
                  itemAttempts.toArray(Integer[]::new)
                }))
        .map(
            rows -> {
              Set<UUID> written = new HashSet<>();
              rows.forEach(row -> written.add(row.getUUID("id")));
              return written;
            });
  }

  /** The stored outputs of the given nodes. */
  public Uni<Map<String, ObjectNode>> loadOutputs(
      SqlConnection tx, UUID executionId, List<String> nodeIds) {
    if (nodeIds.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return tx.preparedQuery(
            "SELECT node_id, output::text AS output FROM node_executions"
                + " WHERE execution_id = $1 AND node_id = ANY($2::text[]) AND output IS NOT NULL")
        .execute(Tuple.of(executionId, nodeIds.toArray(String[]::new)))
        .map(
            rows -> {
              Map<String, ObjectNode> outputs = new LinkedHashMap<>();
              for (Row row : rows) {
                outputs.put(
                    row.getString("node_id"),
                    (ObjectNode) read(row.getString("output"), JsonNode.class));
              }
              return outputs;
            });
  }

  /**
   * Creates the pending node rows of a new (pending) execution and marks it running, in one
   * statement. A pending execution has no node rows yet (they are created with the status change),
   * so the rows are all pending at attempt 0.
   */
  public Uni<Void> start(SqlConnection tx, UUID executionId, Dag dag) {
    List<String> ids = dag.topologicalOrder();
    String[] nodeIds = ids.toArray(String[]::new);
    String[] types =
        ids.stream().map(id -> dag.graph().node(id).nodeType().typeName()).toArray(String[]::new);
    return tx.preparedQuery(
            "WITH created AS (INSERT INTO node_executions"
                + " (execution_id, node_id, node_type, status, attempt)"
                + " SELECT $1, u.node_id, u.node_type, 'pending', 0"
                + " FROM unnest($2::text[], $3::text[]) AS u(node_id, node_type)"
                + " ON CONFLICT DO NOTHING RETURNING 1)"
                + " UPDATE graph_executions SET status = 'running', started_at = now(),"
                + " updated_at = now() WHERE id = $1 AND status = 'pending'")
        .execute(Tuple.of(executionId, nodeIds, types))
        .replaceWithVoid();
  }

  /**
   * Records that an attempt produced this outcome. Returns false when the attempt was recorded
   * before: the result is a duplicate and must change nothing.
   */
  public Uni<Boolean> recordAttempt(
      SqlConnection tx,
      UUID executionId,
      String nodeId,
      int attempt,
      String outcome,
      NodeError error,
      Instant startedAt,
      Instant completedAt,
      String workerId) {
    return tx.preparedQuery(
            "INSERT INTO node_attempts (execution_id, node_id, attempt, outcome, error, started_at,"
                + " completed_at, worker_id, recorded_at)"
                + " VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, now())"
                + " ON CONFLICT DO NOTHING")
        .execute(
            Tuple.from(
                new Object[] {
                  executionId,
                  nodeId,
                  attempt,
                  outcome,
                  write(error),
                  time(startedAt),
                  time(completedAt),
                  workerId
                }))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Records a step's worker results in one statement: every result's attempt in {@code
   * node_attempts} (first one wins), and, for each result that was the first of its attempt and
   * carries a node update, the node's new state: finished (completed or failed, with output, error,
   * times and worker) or sent back to pending for a retry (error and backoff). Returns the {@code
   * nodeId/attempt} keys that were recorded for the first time; a node update whose attempt was
   * recorded before changes nothing.
   */
  public Uni<Set<String>> applyAttempts(
      SqlConnection tx, UUID executionId, List<AttemptRecord> attempts) {
    if (attempts.isEmpty()) {
      return Uni.createFrom().item(Set.of());
    }
    int n = attempts.size();
    String[] nodeIds = new String[n];
    Integer[] numbers = new Integer[n];
    String[] outcomes = new String[n];
    String[] errors = new String[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] completed = new OffsetDateTime[n];
    String[] workers = new String[n];
    String[] statuses = new String[n];
    String[] outputs = new String[n];
    Long[] backoffs = new Long[n];
    for (int i = 0; i < n; i++) {
      AttemptRecord a = attempts.get(i);
      nodeIds[i] = a.nodeId();
      numbers[i] = a.attempt();
      outcomes[i] = a.outcome();
      errors[i] = write(a.error());
      started[i] = time(a.startedAt());
      completed[i] = time(a.completedAt());
      workers[i] = a.workerId();
      statuses[i] = a.nodeStatus() == null ? null : a.nodeStatus().wire();
      outputs[i] = write(a.output());
      backoffs[i] = a.retryBackoffMs();
    }
    return tx.preparedQuery(
            "WITH u AS (SELECT * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[],"
                + " $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[], $10::text[],"
                + " $11::bigint[]) AS u(node_id, attempt, outcome, error, started_at, completed_at,"
                + " worker_id, status, output, backoff_ms)),"
                + " recorded AS (INSERT INTO node_attempts (execution_id, node_id, attempt, outcome,"
                + " error, started_at, completed_at, worker_id, recorded_at)"
                + " SELECT $1, node_id, attempt, outcome, error::jsonb, started_at, completed_at,"
                + " worker_id, now() FROM u ON CONFLICT DO NOTHING RETURNING node_id, attempt),"
                + " updated AS (UPDATE node_executions n SET status = u.status,"
                + " error = u.error::jsonb,"
                + " output = CASE WHEN u.backoff_ms IS NULL THEN u.output::jsonb ELSE n.output END,"
                + " started_at = CASE WHEN u.backoff_ms IS NULL THEN u.started_at"
                + " ELSE n.started_at END,"
                + " completed_at = CASE WHEN u.backoff_ms IS NULL THEN u.completed_at"
                + " ELSE n.completed_at END,"
                + " worker_id = CASE WHEN u.backoff_ms IS NULL THEN u.worker_id ELSE n.worker_id END,"
                + " dispatched_at = coalesce(n.dispatched_at, now()),"
                + " not_before = CASE WHEN u.backoff_ms IS NULL THEN n.not_before"
                + " WHEN u.backoff_ms > 0 THEN now() + u.backoff_ms * interval '1 millisecond' END"
                + " FROM u JOIN recorded r ON r.node_id = u.node_id AND r.attempt = u.attempt"
                + " WHERE u.status IS NOT NULL AND n.execution_id = $1 AND n.node_id = u.node_id"
                + " RETURNING 1)"
                + " SELECT node_id, attempt FROM recorded")
        .execute(
            Tuple.from(
                new Object[] {
                  executionId,
                  nodeIds,
                  numbers,
                  outcomes,
                  errors,
                  started,
                  completed,
                  workers,
                  statuses,
                  outputs,
                  backoffs
                }))
        .map(
            rows -> {
              Set<String> recorded = new HashSet<>();
              rows.forEach(
                  row -> recorded.add(row.getString("node_id") + "/" + row.getInteger("attempt")));
              return recorded;
            });
  }

  /**
   * One result to record ({@link #applyAttempts}): the attempt's outcome, and the node's new status
   * when the result is applied to it (null: only recorded, e.g. a stale result). {@code
   * retryBackoffMs} non-null: the node goes back to pending for a retry after that backoff.
   */
  public record AttemptRecord(
      String nodeId,
      int attempt,
      String outcome,
      NodeError error,
      Instant startedAt,
      Instant completedAt,
      String workerId,
      NodeStatus nodeStatus,
      ObjectNode output,
      Long retryBackoffMs) {
    public String key() {
      return nodeId + "/" + attempt;
    }
  }

  /** Stores the applied outcome of the node's current attempt. */
  public Uni<Void> finishNode(
      SqlConnection tx, NodeResult result, NodeStatus status, ObjectNode output) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = $3, output = $4::text::jsonb, error = $5::text::jsonb,"
                + " started_at = $6, completed_at = $7, worker_id = $8"
                + " WHERE execution_id = $1 AND node_id = $2")
        .execute(
            Tuple.from(
                new Object[] {
                  result.executionId(),
                  result.nodeId(),
                  status.wire(),
                  write(output),
                  write(result.error()),
                  time(result.startedAt()),
                  time(result.completedAt()),
                  result.workerId()
                }))
        .replaceWithVoid();
  }

  /**
   * Sends an in-flight node back to pending so the planner queues its next attempt, whose task is
   * published no earlier than {@code backoffMs} from now.
   */
  public Uni<Void> resetForRetry(
      SqlConnection tx, UUID executionId, String nodeId, NodeError error, long backoffMs) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'pending', error = $3::text::jsonb,"
                + " not_before = CASE WHEN $4 > 0 THEN now() + $4 * interval '1 millisecond' END"
                + " WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(executionId, nodeId, write(error), backoffMs))
        .replaceWithVoid();
  }

  /**
   * Re-opens a failed or cancelled execution: its failed, cancelled and skipped nodes become
   * pending again (completed ones keep their outputs), and it gets as much time as it had.
   */
  public Uni<Void> reopen(SqlConnection tx, UUID executionId) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'pending', not_before = NULL"
                + " WHERE execution_id = $1 AND status IN ('failed', 'cancelled', 'skipped')")
        .execute(Tuple.of(executionId))
        .chain(
            () ->
                tx.preparedQuery(
                        "UPDATE graph_executions SET status = 'running', error = NULL,"
                            + " context = NULL, completed_at = NULL, retry_requested_at = NULL,"
                            + " cancel_requested_at = NULL, updated_at = now(),"
                            + " deadline_at = now() + (coalesce(deadline_at, now())"
                            + " - coalesce(started_at, created_at))"
                            + " WHERE id = $1")
                    .execute(Tuple.of(executionId)))
        .replaceWithVoid();
  }

  /** Completes a just-queued attempt with a cached output (no task is published for it). */
  public Uni<Void> finishFromCache(
      SqlConnection tx, UUID executionId, String nodeId, int attempt, ObjectNode output) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'completed', output = $4::text::jsonb,"
                + " error = NULL, started_at = now(), completed_at = now(), worker_id = 'cache'"
                + " WHERE execution_id = $1 AND node_id = $2 AND attempt = $3")
        .execute(Tuple.of(executionId, nodeId, attempt, write(output)))
        .chain(
            () ->
                tx.preparedQuery(
                        "INSERT INTO node_attempts (execution_id, node_id, attempt, outcome,"
                            + " started_at, completed_at, worker_id, recorded_at)"
                            + " VALUES ($1, $2, $3, 'cached', now(), now(), 'cache', now())"
                            + " ON CONFLICT DO NOTHING")
                    .execute(Tuple.of(executionId, nodeId, attempt)))
        .replaceWithVoid();
  }

  /** Marks a node failed with an error produced by the orchestrator itself (e.g. a timeout). */
  public Uni<Void> failNode(SqlConnection tx, UUID executionId, String nodeId, NodeError error) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'failed', error = $3::text::jsonb"
                + " WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(executionId, nodeId, write(error)))
        .replaceWithVoid();
  }

  /**
   * Queues the next attempt of pending nodes; returns node id → (attempt, deadline, not-before) of
   * those this transaction queued.
   */
  public Uni<Map<String, QueuedAttempt>> queue(
      SqlConnection tx, UUID executionId, List<String> nodeIds, List<Long> timeoutsMs) {
    if (nodeIds.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return tx.preparedQuery(
            "UPDATE node_executions n SET status = 'queued', attempt = n.attempt + 1,"
                + " queued_at = now(), dispatched_at = NULL,"
                + " deadline_at = greatest(now(), coalesce(n.not_before, now()))"
                + " + u.timeout_ms * interval '1 millisecond'"
                + " FROM unnest($2::text[], $3::bigint[]) AS u(node_id, timeout_ms)"
                + " WHERE n.execution_id = $1 AND n.node_id = u.node_id AND n.status = 'pending'"
                + " RETURNING n.node_id, n.attempt, n.deadline_at,"
                + " CASE WHEN n.not_before > now() THEN n.not_before END AS not_before")
        .execute(
            Tuple.of(executionId, nodeIds.toArray(String[]::new), timeoutsMs.toArray(Long[]::new)))
        .map(
            rows -> {
              Map<String, QueuedAttempt> queued = new LinkedHashMap<>();
              for (Row row : rows) {
                queued.put(
                    row.getString("node_id"),
                    new QueuedAttempt(
                        row.getInteger("attempt"),
                        instant(row.getOffsetDateTime("deadline_at")),
                        instant(row.getOffsetDateTime("not_before"))));
              }
              return queued;
            });
  }

  public Uni<Void> setStatus(
      SqlConnection tx, UUID executionId, List<String> nodeIds, NodeStatus status) {
    if (nodeIds.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return tx.preparedQuery(
            "UPDATE node_executions SET status = $3"
                + " WHERE execution_id = $1 AND node_id = ANY($2::text[])")
        .execute(Tuple.of(executionId, nodeIds.toArray(String[]::new), status.wire()))
        .replaceWithVoid();
  }

  public Uni<Void> finishExecution(
      SqlConnection tx,
      UUID executionId,
      ExecutionStatus status,
      ObjectNode context,
      NodeError error) {
    return tx.preparedQuery(
            "UPDATE graph_executions SET status = $2, context = $3::text::jsonb, error = $4::text::jsonb,"
                + " completed_at = now(), updated_at = now(), started_at = coalesce(started_at, now())"
                + " WHERE id = $1")
        .execute(Tuple.of(executionId, status.wire(), write(context), write(error)))
        .replaceWithVoid();
  }

  public Uni<Void> touch(SqlConnection tx, UUID executionId) {
    return tx.preparedQuery("UPDATE graph_executions SET updated_at = now() WHERE id = $1")
        .execute(Tuple.of(executionId))
        .replaceWithVoid();
  }

  /** Records that the broker confirmed these attempts' tasks. */
  public Uni<Void> markDispatched(UUID executionId, Map<String, Integer> attempts) {
    if (attempts.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return pool.preparedQuery(
            "UPDATE node_executions n SET dispatched_at = now()"
                + " FROM unnest($2::text[], $3::int[]) AS u(node_id, attempt)"
                + " WHERE n.execution_id = $1 AND n.node_id = u.node_id AND n.attempt = u.attempt"
                + " AND n.dispatched_at IS NULL")
        .execute(
            Tuple.of(
                executionId,
                attempts.keySet().toArray(String[]::new),
                attempts.values().toArray(Integer[]::new)))
        .replaceWithVoid();
  }

  /**
   * The version of a stored graph a child execution runs: {@code version} when given, else the
   * graph's current version. Null when the graph does not exist for this tenant, was deleted, or
   * has no such version.
   */
  public Uni<Integer> childGraphVersion(
      SqlConnection tx, String tenantId, UUID graphId, Integer version) {
    return tx.preparedQuery(
            "SELECT v.version FROM graph_definitions d JOIN graph_versions v ON v.graph_id = d.id"
                + " AND v.version = coalesce($3, d.version)"
                + " WHERE d.id = $1 AND d.tenant_id = $2 AND d.deleted_at IS NULL")
        .execute(Tuple.of(graphId, tenantId, version))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger("version"));
  }

  /**
   * Inserts the pending child execution of one attempt of a SubgraphNode, with the parent's
   * deadline. Returns false when that attempt already has its child (nothing was inserted).
   */
  public Uni<Boolean> insertChild(
      SqlConnection tx,
      UUID childId,
      ExecutionRow parent,
      String nodeId,
      int attempt,
      UUID graphId,
      int version,
      ObjectNode input) {
    return tx.preparedQuery(
            "INSERT INTO graph_executions (id, tenant_id, graph_id, graph_version, status, input,"
                + " created_at, updated_at, deadline_at, parent_execution_id, parent_node_id,"
                + " parent_attempt, depth)"
                + " SELECT $1, p.tenant_id, $2, $3, 'pending', $4::text::jsonb, now(), now(),"
                + " p.deadline_at, p.id, $6, $7, p.depth + 1 FROM graph_executions p WHERE p.id = $5"
                + " ON CONFLICT (parent_execution_id, parent_node_id, parent_attempt)"
                + " WHERE parent_execution_id IS NOT NULL DO NOTHING")
        .execute(
            Tuple.from(
                new Object[] {
                  childId, graphId, version, write(input), parent.id(), nodeId, attempt
                }))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Marks a SubgraphNode's attempt as running in the orchestrator (there is no task). */
  public Uni<Void> markRunning(SqlConnection tx, UUID executionId, String nodeId, int attempt) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'running', dispatched_at = now(),"
                + " started_at = now(), worker_id = 'orchestrator'"
                + " WHERE execution_id = $1 AND node_id = $2 AND attempt = $3")
        .execute(Tuple.of(executionId, nodeId, attempt))
        .replaceWithVoid();
  }

  /**
   * Finished children whose parent node attempt still waits for them: their outcome is still to be
   * applied to the parent.
   */
  public Uni<List<ChildOutcome>> finishedChildren(SqlConnection tx, UUID parentId) {
    return tx.preparedQuery(
            "SELECT c.id, c.parent_node_id, c.parent_attempt, c.status, c.context::text AS context,"
                + " c.error::text AS error, c.started_at, c.completed_at"
                + " FROM graph_executions c JOIN node_executions n"
                + " ON n.execution_id = c.parent_execution_id AND n.node_id = c.parent_node_id"
                + " AND n.attempt = c.parent_attempt"
                + " WHERE c.parent_execution_id = $1 AND n.status IN ('queued', 'running')"
                + " AND c.status IN ('completed', 'failed', 'cancelled')")
        .execute(Tuple.of(parentId))
        .map(
            rows -> {
              List<ChildOutcome> children = new ArrayList<>();
              for (Row row : rows) {
                String context = row.getString("context");
                String error = row.getString("error");
                children.add(
                    new ChildOutcome(
                        row.getUUID("id"),
                        row.getString("parent_node_id"),
                        row.getInteger("parent_attempt"),
                        ExecutionStatus.fromWire(row.getString("status")),
                        context == null ? null : read(context, JsonNode.class),
                        error == null ? null : read(error, NodeError.class),
                        instant(row.getOffsetDateTime("started_at")),
                        instant(row.getOffsetDateTime("completed_at"))));
              }
              return children;
            });
  }

  /**
   * Asks every unfinished child to cancel whose parent is over ({@code parentOver}) or whose parent
   * node attempt no longer waits for it; returns their ids (to be stepped after commit).
   */
  public Uni<List<UUID>> cancelOrphanedChildren(
      SqlConnection tx, UUID parentId, boolean parentOver) {
    return tx.preparedQuery(
            "UPDATE graph_executions c SET cancel_requested_at = now(), updated_at = now()"
                + " WHERE c.parent_execution_id = $1 AND c.status IN ('pending', 'running')"
                + " AND c.cancel_requested_at IS NULL AND ($2 OR NOT EXISTS ("
                + "   SELECT 1 FROM node_executions n WHERE n.execution_id = $1"
                + "   AND n.node_id = c.parent_node_id AND n.attempt = c.parent_attempt"
                + "   AND n.status IN ('queued', 'running')))"
                + " RETURNING c.id")
        .execute(Tuple.of(parentId, parentOver))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  /** The items of a fan-out node, in index order. */
  public Uni<List<FanOutItem>> loadItems(SqlConnection tx, UUID executionId, String nodeId) {
    return tx.preparedQuery(
            "SELECT item_index, status, attempt, tries, result::text AS result, error::text AS error,"
                + " queued_at, dispatched_at, deadline_at, not_before FROM node_items"
                + " WHERE execution_id = $1 AND node_id = $2 ORDER BY item_index")
        .execute(Tuple.of(executionId, nodeId))
        .map(
            rows -> {
              List<FanOutItem> items = new ArrayList<>();
              for (Row row : rows) {
                String result = row.getString("result");
                String error = row.getString("error");
                items.add(
                    new FanOutItem(
                        row.getInteger("item_index"),
                        row.getString("status"),
                        row.getInteger("attempt"),
                        row.getInteger("tries"),
                        result == null ? null : read(result, JsonNode.class),
                        error == null ? null : read(error, NodeError.class),
                        instant(row.getOffsetDateTime("queued_at")),
                        instant(row.getOffsetDateTime("dispatched_at")),
                        instant(row.getOffsetDateTime("deadline_at")),
                        instant(row.getOffsetDateTime("not_before"))));
              }
              return items;
            });
  }

  /**
   * Starts a fan-out node: {@code count} pending items (replacing those of an earlier run of the
   * node) and the node marked running with no deadline of its own (each item try has one).
   */
  public Uni<Void> startFanOut(SqlConnection tx, UUID executionId, String nodeId, int count) {
    return tx.preparedQuery("DELETE FROM node_items WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(executionId, nodeId))
        .chain(
            () ->
                tx.preparedQuery(
                        "INSERT INTO node_items (execution_id, node_id, item_index, status)"
                            + " SELECT $1, $2, i, 'pending' FROM generate_series(0, $3 - 1) AS i")
                    .execute(Tuple.of(executionId, nodeId, count)))
        .chain(
            () ->
                tx.preparedQuery(
                        "UPDATE node_executions SET status = 'running', dispatched_at = now(),"
                            + " started_at = now(), deadline_at = NULL, worker_id = 'orchestrator'"
                            + " WHERE execution_id = $1 AND node_id = $2")
                    .execute(Tuple.of(executionId, nodeId)))
        .replaceWithVoid();
  }

  /**
   * Queues the next try of these pending items, each under a new attempt number of the node;
   * returns item index → attempt number.
   */
  public Uni<Map<Integer, Integer>> queueItems(
      SqlConnection tx, UUID executionId, String nodeId, List<Integer> indexes, long timeoutMs) {
    if (indexes.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return tx.preparedQuery(
            "WITH bump AS (UPDATE node_executions SET attempt = attempt + $4"
                + " WHERE execution_id = $1 AND node_id = $2 RETURNING attempt - $4 AS base)"
                + " UPDATE node_items i SET status = 'queued', attempt = bump.base + u.ord,"
                + " tries = i.tries + 1, queued_at = now(), dispatched_at = NULL,"
                + " deadline_at = now() + $5 * interval '1 millisecond'"
                + " FROM bump, unnest($3::int[]) WITH ORDINALITY AS u(idx, ord)"
                + " WHERE i.execution_id = $1 AND i.node_id = $2 AND i.item_index = u.idx"
                + " AND i.status = 'pending'"
                + " RETURNING i.item_index, i.attempt")
        .execute(
            Tuple.of(
                executionId, nodeId, indexes.toArray(Integer[]::new), indexes.size(), timeoutMs))
        .map(
            rows -> {
              Map<Integer, Integer> queued = new LinkedHashMap<>();
              for (Row row : rows) {
                queued.put(row.getInteger("item_index"), row.getInteger("attempt"));
              }
              return queued;
            });
  }

  /** The item whose current try has this attempt number; null when none has. */
  public Uni<FanOutItem> itemOfAttempt(
      SqlConnection tx, UUID executionId, String nodeId, int attempt) {
    return tx.preparedQuery(
            "SELECT item_index FROM node_items"
                + " WHERE execution_id = $1 AND node_id = $2 AND attempt = $3")
        .execute(Tuple.of(executionId, nodeId, attempt))
        .chain(
            rows ->
                rows.size() == 0
                    ? Uni.createFrom().nullItem()
                    : loadItems(tx, executionId, nodeId)
                        .map(items -> items.get(rows.iterator().next().getInteger("item_index"))));
  }

  /** Settles an item: completed with its result, failed with its error, or back to pending. */
  public Uni<Void> settleItem(
      SqlConnection tx,
      UUID executionId,
      String nodeId,
      int index,
      String status,
      JsonNode result,
      NodeError error) {
    return tx.preparedQuery(
            "UPDATE node_items SET status = $4, result = $5::text::jsonb, error = $6::text::jsonb"
                + " WHERE execution_id = $1 AND node_id = $2 AND item_index = $3")
        .execute(Tuple.of(executionId, nodeId, index, status, write(result), write(error)))
        .replaceWithVoid();
  }

  /**
   * Sends an item back to pending for another try, published no earlier than {@code backoffMs} from
   * now.
   */
  public Uni<Void> retryItem(
      SqlConnection tx,
      UUID executionId,
      String nodeId,
      int index,
      NodeError error,
      long backoffMs) {
    return tx.preparedQuery(
            "UPDATE node_items SET status = 'pending', error = $4::text::jsonb,"
                + " not_before = CASE WHEN $5 > 0 THEN now() + $5 * interval '1 millisecond' END"
                + " WHERE execution_id = $1 AND node_id = $2 AND item_index = $3")
        .execute(Tuple.of(executionId, nodeId, index, write(error), backoffMs))
        .replaceWithVoid();
  }

  /** Cancels the unfinished items of a node. */
  public Uni<Void> cancelItems(SqlConnection tx, UUID executionId, String nodeId) {
    return tx.preparedQuery(
            "UPDATE node_items SET status = 'cancelled' WHERE execution_id = $1 AND node_id = $2"
                + " AND status IN ('pending', 'queued')")
        .execute(Tuple.of(executionId, nodeId))
        .replaceWithVoid();
  }

  /** Completes a node with the output the orchestrator assembled (a fan-out's results). */
  public Uni<Void> completeNode(
      SqlConnection tx, UUID executionId, String nodeId, ObjectNode output) {
    return tx.preparedQuery(
            "UPDATE node_executions SET status = 'completed', output = $3::text::jsonb,"
                + " error = NULL, completed_at = now() WHERE execution_id = $1 AND node_id = $2")
        .execute(Tuple.of(executionId, nodeId, write(output)))
        .replaceWithVoid();
  }

  /** Records that the broker confirmed these item tries' tasks (node id → attempt numbers). */
  public Uni<Void> markItemsDispatched(UUID executionId, Map<String, List<Integer>> attempts) {
    List<String> nodes = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    attempts.forEach(
        (nodeId, list) ->
            list.forEach(
                a -> {
                  nodes.add(nodeId);
                  numbers.add(a);
                }));
    if (nodes.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return pool.preparedQuery(
            "UPDATE node_items i SET dispatched_at = now()"
                + " FROM unnest($2::text[], $3::int[]) AS u(node_id, attempt)"
                + " WHERE i.execution_id = $1 AND i.node_id = u.node_id AND i.attempt = u.attempt"
                + " AND i.dispatched_at IS NULL")
        .execute(
            Tuple.of(executionId, nodes.toArray(String[]::new), numbers.toArray(Integer[]::new)))
        .replaceWithVoid();
  }

  /**
   * Executions the reconciler should look at. {@code SKIP LOCKED}: replicas share the work instead
   * of queueing on each other.
   */
  public Uni<List<UUID>> findStranded(
      java.time.Duration startGrace, java.time.Duration dispatchGrace, int limit) {
    return pool.preparedQuery(
            "SELECT e.id FROM graph_executions e WHERE"
                // accepted, but nobody started it
                + " (e.status = 'pending' AND e.created_at < now() - $1 * interval '1 millisecond')"
                // a cancel or re-run request whose message may be lost
                + " OR (e.status IN ('pending', 'running') AND e.cancel_requested_at IS NOT NULL)"
                + " OR (e.status IN ('failed', 'cancelled') AND e.retry_requested_at IS NOT NULL)"
                // past its own deadline
                + " OR (e.status = 'running' AND e.deadline_at < now())"
                // a node attempt past its deadline, or a task never confirmed by the broker
                + " OR (e.status IN ('running', 'failed', 'cancelled') AND EXISTS ("
                + "   SELECT 1 FROM node_executions n WHERE n.execution_id = e.id"
                + "   AND ((n.status IN ('queued', 'running') AND n.deadline_at < now())"
                + "     OR (e.status = 'running' AND n.status = 'queued' AND n.dispatched_at IS NULL"
                + "       AND (CASE WHEN n.not_before IS NOT NULL THEN n.not_before <= now()"
                + "            ELSE n.queued_at < now() - $2 * interval '1 millisecond' END)))))"
                // a fan-out item whose retry backoff ended
                + " OR (e.status = 'running' AND EXISTS (SELECT 1 FROM node_items i"
                + "   WHERE i.execution_id = e.id AND i.status = 'pending' AND i.not_before <= now()))"
                // running with nothing in flight for a while: a step that should have happened
                + " OR (e.status = 'running' AND e.updated_at < now() - $2 * interval '1 millisecond'"
                + "   AND NOT EXISTS (SELECT 1 FROM node_executions n WHERE n.execution_id = e.id"
                + "   AND n.status IN ('queued', 'running')))"
                // a finished child whose outcome its parent's SubgraphNode has not applied yet
                + " OR (e.status IN ('running', 'failed', 'cancelled') AND EXISTS ("
                + "   SELECT 1 FROM graph_executions c JOIN node_executions n"
                + "   ON n.execution_id = c.parent_execution_id AND n.node_id = c.parent_node_id"
                + "   AND n.attempt = c.parent_attempt"
                + "   WHERE c.parent_execution_id = e.id AND n.status IN ('queued', 'running')"
                + "   AND c.status IN ('completed', 'failed', 'cancelled')))"
                // a fan-out item try past its deadline, or never confirmed by the broker
                + " OR (e.status = 'running' AND EXISTS ("
                + "   SELECT 1 FROM node_items i WHERE i.execution_id = e.id AND i.status = 'queued'"
                + "   AND (i.deadline_at < now() OR (i.dispatched_at IS NULL"
                + "     AND i.queued_at < now() - $2 * interval '1 millisecond'))))"
                + " ORDER BY e.created_at LIMIT $3 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(startGrace.toMillis(), dispatchGrace.toMillis(), limit))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  public Uni<RowSet<Row>> ping() {
    return pool.query("SELECT 1").execute();
  }

  private static ExecutionRow toExecution(Row row) {
    return new ExecutionRow(
        row.getUUID("id"),
        row.getString("tenant_id"),
        row.getUUID("graph_id"),
        row.getInteger("graph_version"),
        ExecutionStatus.fromWire(row.getString("status")),
        read(row.getString("input"), JsonNode.class) instanceof ObjectNode input ? input : null,
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("deadline_at")),
        instant(row.getOffsetDateTime("cancel_requested_at")),
        instant(row.getOffsetDateTime("retry_requested_at")),
        instant(row.getOffsetDateTime("now")),
        row.getUUID("parent_execution_id"),
        row.getString("parent_node_id"),
        row.getInteger("parent_attempt"),
        row.getInteger("depth"),
        instant(row.getOffsetDateTime("updated_at")));
  }

  private static NodeRow toNode(Row row) {
    String error = row.getString("error");
    return new NodeRow(
        row.getString("node_id"),
        NodeStatus.fromWire(row.getString("status")),
        row.getInteger("attempt"),
        null,
        row.getBoolean("has_output"),
        error == null ? null : read(error, NodeError.class),
        instant(row.getOffsetDateTime("queued_at")),
        instant(row.getOffsetDateTime("dispatched_at")),
        instant(row.getOffsetDateTime("deadline_at")),
        instant(row.getOffsetDateTime("not_before")));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new LogicGraphException(ErrorCode.E007, "cannot serialize state: " + e.getMessage());
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new LogicGraphException(
          ErrorCode.E007, "stored state is not valid JSON: " + e.getMessage());
    }
  }
}
