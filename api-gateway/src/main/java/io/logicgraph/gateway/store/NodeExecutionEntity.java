package io.logicgraph.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code node_executions}, read-only here: the orchestrator writes it. */
@Entity
@Immutable
@Table(name = "node_executions")
@IdClass(NodeExecutionEntity.Key.class)
public class NodeExecutionEntity {
  @Id
  @Column(name = "execution_id")
  public UUID executionId;

  @Id
  @Column(name = "node_id")
  public String nodeId;

  @Column(name = "node_type")
  public String nodeType;

  public String status;

  public int attempt;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(columnDefinition = "jsonb")
  public JsonNode output;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(columnDefinition = "jsonb")
  public JsonNode error;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "completed_at")
  public Instant completedAt;

  /** Primary key of a node's state in one execution. */
  public static class Key implements Serializable {
    public UUID executionId;
    public String nodeId;

    public Key() {}

    public Key(UUID executionId, String nodeId) {
      this.executionId = executionId;
      this.nodeId = nodeId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(executionId, k.executionId)
          && Objects.equals(nodeId, k.nodeId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(executionId, nodeId);
    }
  }
}
