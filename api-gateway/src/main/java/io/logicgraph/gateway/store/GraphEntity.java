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

/** A row of {@code graph_definitions}: the latest version of a stored graph. */
@Entity
@Table(name = "graph_definitions")
public class GraphEntity {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public String tenantId;

  public String name;
  public String description;

  @Column(nullable = false)
  public int version;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  public JsonNode definition;

  @Column(nullable = false)
  public String source;

  @Column(name = "source_format", nullable = false)
  public String sourceFormat;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "deleted_at")
  public Instant deletedAt;
}
