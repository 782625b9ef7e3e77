package io.logicgraph.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.model.graph.GraphFormat;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hibernate.LockMode;

/** Stored graphs and their immutable versions, always scoped to one tenant. */
@ApplicationScoped
public class GraphStore {
  private final Database db;

  public GraphStore(Database db) {
    this.db = db;
  }

  /** A validated document ready to be stored. */
  public record Document(
      String name, String description, JsonNode definition, String source, GraphFormat format) {}

  /** One page of graphs, newest first, and how many there are in all. */
  public record GraphPage(List<GraphEntity> items, long total) {}

  /** Stores a new graph as version 1 (definition row and version row in one transaction). */
  public Uni<GraphEntity> create(String tenant, Document document) {
    Instant now = Database.now();
    GraphEntity graph = new GraphEntity();
    graph.id = UUID.randomUUID();
    graph.tenantId = tenant;
    graph.version = 1;
    graph.createdAt = now;
    apply(graph, document, now);
    GraphVersionEntity version = version(graph, now);
    return db.inTransaction(
        session ->
            session
                .persist(graph)
                .chain(() -> session.persist(version))
                .chain(session::flush)
                .replaceWith(graph));
  }

  /**
   * Replaces the definition with a new version. The row lock serializes concurrent replacements, so
   * each gets its own version number; executions keep running the version they started with.
   */
  public Uni<GraphEntity> replace(String tenant, UUID id, Document document) {
    return db.inTransaction(
        session ->
            session
                .find(GraphEntity.class, id, LockMode.PESSIMISTIC_WRITE)
                .map(graph -> live(graph, tenant, id))
                .chain(
                    graph -> {
                      Instant now = Database.now();
                      graph.version = graph.version + 1;
                      apply(graph, document, now);
                      return session
                          .persist(version(graph, now))
                          .chain(session::flush)
                          .replaceWith(graph);
                    }));
  }

  /** Marks the graph deleted; its versions and executions stay. */
  public Uni<Void> delete(String tenant, UUID id) {
    return db.inTransaction(
        session ->
            session
                .find(GraphEntity.class, id, LockMode.PESSIMISTIC_WRITE)
                .map(graph -> live(graph, tenant, id))
                .invoke(
                    graph -> {
                      Instant now = Database.now();
                      graph.deletedAt = now;
                      graph.updatedAt = now;
                    })
                .chain(session::flush));
  }

  /** A graph that is not deleted, or 404. */
  public Uni<GraphEntity> get(String tenant, UUID id) {
    return db.read(session -> session.find(GraphEntity.class, id).map(g -> live(g, tenant, id)));
  }

  /** A graph that exists or existed (deleted graphs keep their history queryable), or 404. */
  public Uni<GraphEntity> getIncludingDeleted(String tenant, UUID id) {
    return db.read(
        session ->
            session
                .find(GraphEntity.class, id)
                .map(
                    graph -> {
                      if (graph == null || !graph.tenantId.equals(tenant)) {
                        throw GatewayProblem.notFound("graph", id);
                      }
                      return graph;
                    }));
  }

  /** Graphs that are not deleted, newest first. */
  public Uni<GraphPage> list(String tenant, int limit, int offset) {
    return db.read(
        session ->
            session
                .createSelectionQuery(
                    "select count(g) from GraphEntity g"
                        + " where g.tenantId = :tenant and g.deletedAt is null",
                    Long.class)
                .setParameter("tenant", tenant)
                .getSingleResult()
                .chain(
                    total ->
                        session
                            .createSelectionQuery(
                                "from GraphEntity g where g.tenantId = :tenant"
                                    + " and g.deletedAt is null"
                                    + " order by g.createdAt desc, g.id",
                                GraphEntity.class)
                            .setParameter("tenant", tenant)
                            .setFirstResult(offset)
                            .setMaxResults(limit)
                            .getResultList()
                            .map(items -> new GraphPage(items, total))));
  }

  private static GraphEntity live(GraphEntity graph, String tenant, UUID id) {
    if (graph == null || !graph.tenantId.equals(tenant) || graph.deletedAt != null) {
      throw GatewayProblem.notFound("graph", id);
    }
    return graph;
  }

  private static void apply(GraphEntity graph, Document document, Instant now) {
    graph.name = document.name();
    graph.description = document.description();
    graph.definition = document.definition();
    graph.source = document.source();
    graph.sourceFormat = document.format().name().toLowerCase(Locale.ROOT);
    graph.updatedAt = now;
  }

  private static GraphVersionEntity version(GraphEntity graph, Instant now) {
    GraphVersionEntity version = new GraphVersionEntity();
    version.graphId = graph.id;
    version.version = graph.version;
    version.definition = graph.definition;
    version.createdAt = now;
    return version;
  }
}
