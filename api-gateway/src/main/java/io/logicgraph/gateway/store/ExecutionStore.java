package io.logicgraph.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.model.graph.ExecutionStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Executions as the gateway sees them: it creates them pending and reads what others wrote. */
@ApplicationScoped
public class ExecutionStore {
  private static final String CLAIM_KEY =
      "INSERT INTO execution_idempotency_keys"
          + " (tenant_id, graph_id, idempotency_key, execution_id, created_at)"
          + " VALUES (:tenant, :graph, :key, :execution, now())"
          + " ON CONFLICT (tenant_id, graph_id, idempotency_key) DO UPDATE"
          + " SET execution_id = EXCLUDED.execution_id, created_at = EXCLUDED.created_at"
          + " WHERE execution_idempotency_keys.created_at"
          + " < now() - make_interval(secs => :retention)";

  private static final String REQUEST_CANCEL =
      "UPDATE graph_executions SET cancel_requested_at = now(), updated_at = now()"
          + " WHERE id = :id AND tenant_id = :tenant AND status IN ('pending', 'running')"
          + " AND cancel_requested_at IS NULL";
  private static final String REQUEST_RETRY =
      "UPDATE graph_executions SET retry_requested_at = now(), updated_at = now()"
          + " WHERE id = :id AND tenant_id = :tenant AND status IN ('failed', 'cancelled')";

  private final Database db;

  public ExecutionStore(Database db) {
    this.db = db;
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

  /** An execution with the definition of its graph version and its node rows. */
  public record Snapshot(
      ExecutionEntity execution, JsonNode definition, List<NodeExecutionEntity> nodes) {}

  /** One page of a graph's executions, newest first, and how many there are in all. */
  public record ExecutionPage(List<ExecutionEntity> items, long total) {}

  /**
   * Creates a pending execution of the graph's current version. With an idempotency key, the key
   * row is claimed in the same transaction; when another request holds the key (even one committing
   * at this very moment: the primary key makes the second insert wait for the first), this
   * transaction rolls back and the execution of the first request is returned instead.
   */
  public Uni<Started> start(StartRequest request) {
    return db.inTransaction(session -> insert(session, request))
        .map(execution -> new Started(execution, false))
        .onFailure(ExecutionStore::isKeyTaken)
        .recoverWithUni(() -> replay(request));
  }

  private Uni<ExecutionEntity> insert(Mutiny.Session session, StartRequest request) {
    return session
        .find(GraphEntity.class, request.graphId())
        .chain(
            graph -> {
              if (graph == null
                  || !graph.tenantId.equals(request.tenant())
                  || graph.deletedAt != null) {
                throw GatewayProblem.notFound("graph", request.graphId());
              }
              Instant now = Database.now();
              ExecutionEntity execution = new ExecutionEntity();
              execution.id = UUID.randomUUID();
              execution.tenantId = request.tenant();
              execution.graphId = graph.id;
              execution.graphVersion = graph.version;
              execution.status = ExecutionStatus.PENDING.wire();
              execution.input = request.input();
              execution.idempotencyKey = request.idempotencyKey();
              execution.createdAt = now;
              execution.updatedAt = now;
              execution.deadlineAt = now.plus(request.executionTimeout());
              Uni<ExecutionEntity> stored =
                  session.persist(execution).chain(session::flush).replaceWith(execution);
              if (request.idempotencyKey() == null) {
                return stored;
              }
              return stored.chain(
                  () ->
                      session
                          .createNativeQuery(CLAIM_KEY)
                          .setParameter("tenant", request.tenant())
                          .setParameter("graph", graph.id)
                          .setParameter("key", request.idempotencyKey())
                          .setParameter("execution", execution.id)
                          .setParameter("retention", (double) request.keyRetention().toSeconds())
                          .executeUpdate()
                          .map(
                              claimed -> {
                                if (claimed == 0) {
                                  throw new KeyTaken();
                                }
                                return execution;
                              }));
            });
  }

  private Uni<Started> replay(StartRequest request) {
    return db.read(
            session ->
                session
                    .find(
                        IdempotencyKeyEntity.class,
                        new IdempotencyKeyEntity.Key(
                            request.tenant(), request.graphId(), request.idempotencyKey()))
                    .chain(
                        key -> {
                          if (key == null) {
                            // the holder's row vanished meanwhile (retention cleanup): start afresh
                            return Uni.createFrom().<ExecutionEntity>nullItem();
                          }
                          return session.find(ExecutionEntity.class, key.executionId);
                        }))
        .chain(
            existing ->
                existing == null
                    ? start(request)
                    : Uni.createFrom().item(new Started(existing, true)));
  }

  /** An execution of the tenant, or 404. */
  public Uni<ExecutionEntity> get(String tenant, UUID id) {
    return db.read(session -> find(session, tenant, id));
  }

  /** An execution with its graph version's definition and its node rows, or 404. */
  public Uni<Snapshot> snapshot(String tenant, UUID id) {
    return db.read(session -> find(session, tenant, id).chain(e -> snapshot(session, e)));
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
                      return snapshot(session, found.get(0));
                    }));
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
    return db.read(
        session ->
            session
                .createSelectionQuery(
                    "select e.status from ExecutionEntity e where e.id = :id", String.class)
                .setParameter("id", id)
                .getSingleResultOrNull()
                .map(status -> status == null ? null : ExecutionStatus.fromWire(status)));
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

  private static Uni<Snapshot> snapshot(Mutiny.Session session, ExecutionEntity execution) {
    return GraphStore.versionDefinition(session, execution.graphId, execution.graphVersion)
        .chain(
            definition ->
                session
                    .createSelectionQuery(
                        "from NodeExecutionEntity n where n.executionId = :id",
                        NodeExecutionEntity.class)
                    .setParameter("id", execution.id)
                    .getResultList()
                    .map(nodes -> new Snapshot(execution, definition, nodes)));
  }

  private static boolean isKeyTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KeyTaken) {
        return true;
      }
    }
    return false;
  }

  /** Another request holds the idempotency key: roll back and answer with its execution. */
  private static final class KeyTaken extends RuntimeException {
    KeyTaken() {
      super("idempotency key already used", null, false, false);
    }
  }
}
