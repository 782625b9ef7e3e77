package io.logicgraph.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Executions as the gateway sees them: it creates them pending and reads what others wrote. */
@ApplicationScoped
public class ExecutionStore {
  /**
   * One statement (one round trip, its own transaction) starts an execution: looks up the tenant's
   * live graph and its current version, claims the idempotency key when there is one, and inserts
   * the pending execution only when the graph exists and the key was claimed (or none was given).
   * The key claim waits for a concurrent claim of the same key to commit or roll back (primary
   * key), and takes over a key older than the retention. Parameters: tenant, graph id, execution
   * id, input (JSON text), key or null, execution timeout (s), key retention (s). Answers one row:
   * the graph's version (null: no such live graph) and the inserted execution's id (null: the key
   * is held by another execution).
   */
  private static final String START =
      "WITH graph AS ("
          + " SELECT id, version FROM graph_definitions"
          + " WHERE id = $2 AND tenant_id = $1 AND deleted_at IS NULL),"
          + " claimed AS ("
          + " INSERT INTO execution_idempotency_keys"
          + " (tenant_id, graph_id, idempotency_key, execution_id, created_at)"
          + " SELECT $1, graph.id, $5::text, $3, now() FROM graph WHERE $5::text IS NOT NULL"
          + " ON CONFLICT (tenant_id, graph_id, idempotency_key) DO UPDATE"
          + " SET execution_id = EXCLUDED.execution_id, created_at = EXCLUDED.created_at"
          + " WHERE execution_idempotency_keys.created_at"
          + " < now() - make_interval(secs => $7::double precision)"
          + " RETURNING execution_id),"
          + " inserted AS ("
          + " INSERT INTO graph_executions (id, tenant_id, graph_id, graph_version, status, input,"
          + " idempotency_key, created_at, updated_at, deadline_at)"
          + " SELECT $3, $1, graph.id, graph.version, 'pending', $4::text::jsonb, $5::text,"
          + " now(), now(), now() + make_interval(secs => $6::double precision) FROM graph"
          + " WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM claimed)"
          + " RETURNING id)"
          + " SELECT (SELECT version FROM graph) AS graph_version,"
          + " (SELECT id FROM inserted) AS execution_id";

  /** The execution that holds an idempotency key: tenant, graph id, key. */
  private static final String KEY_HOLDER =
      "SELECT e.id, e.graph_id, e.graph_version, e.status FROM execution_idempotency_keys k"
          + " JOIN graph_executions e ON e.id = k.execution_id"
          + " WHERE k.tenant_id = $1 AND k.graph_id = $2 AND k.idempotency_key = $3";

  private static final String STATUS = "SELECT status FROM graph_executions WHERE id = $1";

  private static final String EXECUTION =
      "SELECT id, tenant_id, graph_id, graph_version, status, context::text AS context,"
          + " error::text AS error, idempotency_key, created_at, started_at, completed_at,"
          + " deadline_at, updated_at FROM graph_executions WHERE id = $1";

  private static final String NODES =
      "SELECT node_id, node_type, status, attempt, output::text AS output, error::text AS error,"
          + " started_at, completed_at FROM node_executions WHERE execution_id = $1";

  private static final String REQUEST_CANCEL =
      "UPDATE graph_executions SET cancel_requested_at = now(), updated_at = now()"
          + " WHERE id = :id AND tenant_id = :tenant AND status IN ('pending', 'running')"
          + " AND cancel_requested_at IS NULL";
  private static final String REQUEST_RETRY =
      "UPDATE graph_executions SET retry_requested_at = now(), updated_at = now()"
          + " WHERE id = :id AND tenant_id = :tenant AND status IN ('failed', 'cancelled')";

  private final Database db;
  private final GraphVersionNodes versions;

  public ExecutionStore(Database db, GraphVersionNodes versions) {
    this.db = db;
    this.versions = versions;
  }

  /** What to start: the graph, the input context, an optional idempotency key. */
  public record StartRequest(
      String tenant,
      UUID graphId,
      JsonNode input,
      String idempotencyKey,
      Duration executionTimeout,
      Duration keyRetention) {}

  /** The execution that answers a start request; {@code replayed} when an earlier one did. */
  public record Started(ExecutionEntity execution, boolean replayed) {}

  /**
   * An execution (without its input), the nodes of its graph version (id to node type, in the order
   * they run) and its node rows.
   */
  public record Snapshot(
      ExecutionEntity execution, Map<String, String> nodeTypes, List<NodeExecutionEntity> nodes) {}

  /** One page of a graph's executions, newest first, and how many there are in all. */
  public record ExecutionPage(List<ExecutionEntity> items, long total) {}

  /**
   * Creates a pending execution of the graph's current version, with its idempotency key claimed in
   * the same statement; when another request holds the key (even one committing at this very
   * moment: the primary key makes the second claim wait for the first), nothing is inserted and the
   * execution of the first request is returned instead.
   */
  public Uni<Started> start(StartRequest request) {
    UUID executionId = UUID.randomUUID();
    String input;
    try {
      input = Json.MAPPER.writeValueAsString(request.input());
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    Tuple parameters =
        Tuple.tuple()
            .addString(request.tenant())
            .addUUID(request.graphId())
            .addUUID(executionId)
            .addString(input)
            .addString(request.idempotencyKey())
            .addDouble((double) request.executionTimeout().toMillis() / 1000)
            .addDouble((double) request.keyRetention().toSeconds());
    return db.sql(START, parameters)
        .chain(
            rows -> {
              Row row = rows.iterator().next();
              Integer version = row.getInteger("graph_version");
              if (version == null) {
                throw GatewayProblem.notFound("graph", request.graphId());
              }
              if (row.getUUID("execution_id") == null) {
                return replay(request);
              }
              ExecutionEntity execution = new ExecutionEntity();
              execution.id = executionId;
              execution.tenantId = request.tenant();
              execution.graphId = request.graphId();
              execution.graphVersion = version;
              execution.status = ExecutionStatus.PENDING.wire();
              execution.input = request.input();
              execution.idempotencyKey = request.idempotencyKey();
              return Uni.createFrom().item(new Started(execution, false));
            });
  }

  private Uni<Started> replay(StartRequest request) {
    return db.sql(
            KEY_HOLDER, Tuple.of(request.tenant(), request.graphId(), request.idempotencyKey()))
        .chain(
            rows -> {
              if (rows.size() == 0) {
                // the holder's row vanished meanwhile (retention cleanup): start afresh
                return start(request);
              }
              Row row = rows.iterator().next();
              ExecutionEntity execution = new ExecutionEntity();
              execution.id = row.getUUID("id");
              execution.tenantId = request.tenant();
              execution.graphId = row.getUUID("graph_id");
              execution.graphVersion = row.getInteger("graph_version");
              execution.status = row.getString("status");
              execution.idempotencyKey = request.idempotencyKey();
              return Uni.createFrom().item(new Started(execution, true));
            });
  }

  /** An execution of the tenant, or 404. */
  public Uni<ExecutionEntity> get(String tenant, UUID id) {
    return db.read(session -> find(session, tenant, id));
  }

  /** An execution with its graph version's nodes and its node rows, or 404. */
  public Uni<Snapshot> snapshot(String tenant, UUID id) {
    return db.sql(EXECUTION, Tuple.of(id))
        .chain(
            rows -> {
              ExecutionEntity execution =
                  rows.size() == 0 ? null : execution(rows.iterator().next());
              if (execution == null || !execution.tenantId.equals(tenant)) {
                throw GatewayProblem.notFound("execution", id);
              }
              return snapshot(execution);
            });
  }

  /**
   * The execution with everything to render it once it ended (terminal status), else null: one
   * statement while it runs, a second for the node rows once it ended. A waiting request checks
   * with this, so an end costs it no extra status read.
   */
  public Uni<Snapshot> snapshotIfEnded(UUID id) {
    return db.sql(EXECUTION, Tuple.of(id))
        .chain(
            rows -> {
              ExecutionEntity execution =
                  rows.size() == 0 ? null : execution(rows.iterator().next());
              if (execution == null || !ExecutionStatus.fromWire(execution.status).isTerminal()) {
                return Uni.createFrom().nullItem();
              }
              return snapshot(execution);
            });
  }

  /** The most recent execution of a graph with everything to render it, or 404. */
  public Uni<Snapshot> latestSnapshot(String tenant, UUID graphId) {
    return db.read(
            session ->
                session
                    .createSelectionQuery(
                        "from ExecutionEntity e where e.tenantId = :tenant and e.graphId = :graph"
                            + " order by e.createdAt desc, e.id",
                        ExecutionEntity.class)
                    .setParameter("tenant", tenant)
                    .setParameter("graph", graphId)
                    .setMaxResults(1)
                    .getResultList()
                    .chain(
                        found -> {
                          if (found.isEmpty()) {
                            throw GatewayProblem.notFound(
                                "graph " + graphId + " has no executions yet");
                          }
                          return Uni.createFrom().item(found.get(0));
                        }))
        .chain(this::snapshot);
  }

  /** Executions of a graph, newest first. */
  public Uni<ExecutionPage> list(String tenant, UUID graphId, int limit, int offset) {
    return db.read(
        session ->
            session
                .createSelectionQuery(
                    "select count(e) from ExecutionEntity e"
                        + " where e.tenantId = :tenant and e.graphId = :graph",
                    Long.class)
                .setParameter("tenant", tenant)
                .setParameter("graph", graphId)
                .getSingleResult()
                .chain(
                    total ->
                        session
                            .createSelectionQuery(
                                "from ExecutionEntity e"
                                    + " where e.tenantId = :tenant and e.graphId = :graph"
                                    + " order by e.createdAt desc, e.id",
                                ExecutionEntity.class)
                            .setParameter("tenant", tenant)
                            .setParameter("graph", graphId)
                            .setFirstResult(offset)
                            .setMaxResults(limit)
                            .getResultList()
                            .map(items -> new ExecutionPage(items, total))));
  }

  /**
   * Records a cancel request (the orchestrator acts on it). Returns the execution when it is still
   * pending or running, whether this call or an earlier one asked; 404 when unknown, 409 when it
   * already ended.
   */
  public Uni<ExecutionEntity> requestCancel(String tenant, UUID id) {
    return db.inTransaction(
        session ->
            session
                .createNativeQuery(REQUEST_CANCEL)
                .setParameter("id", id)
                .setParameter("tenant", tenant)
                .executeUpdate()
                .chain(() -> find(session, tenant, id))
                .map(
                    execution -> {
                      ExecutionStatus status = ExecutionStatus.fromWire(execution.status);
                      if (status.isTerminal()) {
                        throw GatewayProblem.conflict(
                            "execution "
                                + id
                                + " is already "
                                + status.wire()
                                + "; nothing to cancel");
                      }
                      return execution;
                    }));
  }

  /**
   * Records a retry request (the orchestrator re-runs the failed part). Returns the execution when
   * it failed or was cancelled; 404 when unknown, 409 in any other state.
   */
  public Uni<ExecutionEntity> requestRetry(String tenant, UUID id) {
    return db.inTransaction(
        session ->
            session
                .createNativeQuery(REQUEST_RETRY)
                .setParameter("id", id)
                .setParameter("tenant", tenant)
                .executeUpdate()
                .chain(
                    updated ->
                        find(session, tenant, id)
                            .map(
                                execution -> {
                                  if (updated == 0) {
                                    throw retryConflict(id, execution.status);
                                  }
                                  return execution;
                                })));
  }

  private static GatewayProblem retryConflict(UUID id, String current) {
    ExecutionStatus status = ExecutionStatus.fromWire(current);
    String detail =
        switch (status) {
          case PENDING ->
              "retry of a pending execution: execution "
                  + id
                  + " has not started yet; only failed or cancelled executions can be retried";
          case RUNNING ->
              "retry of a running execution: execution "
                  + id
                  + " is still running; only failed or cancelled executions can be retried";
          case COMPLETED ->
              "execution " + id + " completed successfully; there is nothing to retry";
          // it failed or was cancelled after the update looked at it: the request did not land
          case FAILED, CANCELLED ->
              "execution " + id + " changed state while the retry was requested; try again";
        };
    return GatewayProblem.conflict(detail);
  }

  /** The execution's status as stored now; null when the execution does not exist. */
  public Uni<ExecutionStatus> status(UUID id) {
    return db.sql(STATUS, Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? null
                    : ExecutionStatus.fromWire(rows.iterator().next().getString("status")));
  }

  private static Uni<ExecutionEntity> find(Mutiny.Session session, String tenant, UUID id) {
    return session
        .find(ExecutionEntity.class, id)
        .map(
            execution -> {
              if (execution == null || !execution.tenantId.equals(tenant)) {
                throw GatewayProblem.notFound("execution", id);
              }
              return execution;
            });
  }

  private Uni<Snapshot> snapshot(ExecutionEntity execution) {
    return versions
        .of(execution.graphId, execution.graphVersion)
        .chain(
            nodeTypes ->
                db.sql(NODES, Tuple.of(execution.id))
                    .map(
                        rows -> {
                          List<NodeExecutionEntity> nodes = new ArrayList<>(rows.size());
                          rows.forEach(row -> nodes.add(node(execution.id, row)));
                          return new Snapshot(execution, nodeTypes, nodes);
                        }));
  }

  private static ExecutionEntity execution(Row row) {
    ExecutionEntity execution = new ExecutionEntity();
    execution.id = row.getUUID("id");
    execution.tenantId = row.getString("tenant_id");
    execution.graphId = row.getUUID("graph_id");
    execution.graphVersion = row.getInteger("graph_version");
    execution.status = row.getString("status");
    execution.context = json(row.getString("context"));
    execution.error = json(row.getString("error"));
    execution.idempotencyKey = row.getString("idempotency_key");
    execution.createdAt = instant(row.getOffsetDateTime("created_at"));
    execution.startedAt = instant(row.getOffsetDateTime("started_at"));
    execution.completedAt = instant(row.getOffsetDateTime("completed_at"));
    execution.deadlineAt = instant(row.getOffsetDateTime("deadline_at"));
    execution.updatedAt = instant(row.getOffsetDateTime("updated_at"));
    return execution;
  }

  private static NodeExecutionEntity node(UUID executionId, Row row) {
    NodeExecutionEntity node = new NodeExecutionEntity();
    node.executionId = executionId;
    node.nodeId = row.getString("node_id");
    node.nodeType = row.getString("node_type");
    node.status = row.getString("status");
    node.attempt = row.getInteger("attempt");
    node.output = json(row.getString("output"));
    node.error = json(row.getString("error"));
    node.startedAt = instant(row.getOffsetDateTime("started_at"));
    node.completedAt = instant(row.getOffsetDateTime("completed_at"));
    return node;
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a jsonb column that is not JSON", e);
    }
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
