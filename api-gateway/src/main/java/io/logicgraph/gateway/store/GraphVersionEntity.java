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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code graph_versions}: one immutable version of a graph, as executions run it. */
@Entity
@Table(name = "graph_versions")
@IdClass(GraphVersionEntity.Key.class)
public class GraphVersionEntity {
  @Id
  @Column(name = "graph_id")
  public UUID graphId;

  @Id public int version;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  public JsonNode definition;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** Primary key of a graph version. */
  public static class Key implements Serializable {
    public UUID graphId;
    public int version;

    public Key() {}

    public Key(UUID graphId, int version) {
      this.graphId = graphId;
      this.version = version;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && version == k.version && Objects.equals(graphId, k.graphId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(graphId, version);
    }
  }
}
