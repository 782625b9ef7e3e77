package io.logicgraph.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code graph_executions}. The gateway inserts it (pending); from then on the
 * orchestrator owns every change.
 */
@Entity
@Table(name = "graph_executions")
public class ExecutionEntity {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public String tenantId;

  @Column(name = "graph_id", nullable = false)
  public UUID graphId;

  @Column(name = "graph_version", nullable = false)
  public int graphVersion;

  @Column(nullable = false)
  public String status;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  public JsonNode input;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(columnDefinition = "jsonb")
  public JsonNode context;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(columnDefinition = "jsonb")
  public JsonNode error;

  @Column(name = "idempotency_key")
  public String idempotencyKey;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "completed_at")
  public Instant completedAt;

  @Column(name = "deadline_at")
  public Instant deadlineAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
