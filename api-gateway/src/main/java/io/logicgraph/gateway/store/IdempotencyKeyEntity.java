package io.logicgraph.gateway.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A row of {@code execution_idempotency_keys}. Inserted with a native upsert (the primary key
 * arbitrates concurrent submissions); read through this mapping.
 */
@Entity
@Table(name = "execution_idempotency_keys")
@IdClass(IdempotencyKeyEntity.Key.class)
public class IdempotencyKeyEntity {
  @Id
  @Column(name = "tenant_id")
  public String tenantId;

  @Id
  @Column(name = "graph_id")
  public UUID graphId;

  @Id
  @Column(name = "idempotency_key")
  public String idempotencyKey;

  @Column(name = "execution_id", nullable = false)
  public UUID executionId;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** Primary key: one execution per tenant, graph and key. */
  public static class Key implements Serializable {
    public String tenantId;
    public UUID graphId;
    public String idempotencyKey;

    public Key() {}

    public Key(String tenantId, UUID graphId, String idempotencyKey) {
      this.tenantId = tenantId;
      this.graphId = graphId;
      this.idempotencyKey = idempotencyKey;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(tenantId, k.tenantId)
          && Objects.equals(graphId, k.graphId)
          && Objects.equals(idempotencyKey, k.idempotencyKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(tenantId, graphId, idempotencyKey);
    }
  }
}
