package io.logicgraph.worker.db;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.worker.WorkerConfig;
import io.logicgraph.worker.db.mongo.MongoDatasource;
import io.logicgraph.worker.db.redis.RedisDatasource;
import io.logicgraph.worker.db.sql.MySqlDatasource;
import io.logicgraph.worker.db.sql.PostgresDatasource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The operator's datasources, opened once at startup (see {@link DatasourceSettings#resolve} for
 * how they are configured). A graph can only name one of these.
 */
@Startup
@ApplicationScoped
public class Datasources {
  private static final Logger LOG = Logger.getLogger(Datasources.class);

  private final Map<String, Datasource> byName = new LinkedHashMap<>();
  private final DbConfig config;

  public Datasources(DbConfig config, WorkerConfig worker, Vertx vertx) {
    this.config = config;
    Map<String, DatasourceSettings> settings = DatasourceSettings.resolve(System.getenv(), config);
    for (DatasourceSettings ds : settings.values()) {
      byName.put(ds.name(), open(ds, vertx, worker));
      LOG.infof("datasource %s", ds);
    }
    if (byName.isEmpty()) {
      LOG.warn("no datasource configured: every database node will fail with E004");
    }
    config
        .defaultDatasource()
        .filter(name -> !byName.containsKey(name))
        .ifPresent(
            name -> {
              throw new IllegalStateException(
                  "worker-db.default-datasource names '" + name + "', which is not configured");
            });
  }

  /** A new database kind adds its case here (and its URL scheme in DatasourceSettings). */
  private Datasource open(DatasourceSettings ds, Vertx vertx, WorkerConfig worker) {
    int waitQueue = 4 * worker.concurrency();
    return switch (ds.kind()) {
      case "postgres" ->
          new PostgresDatasource(ds, vertx, config.maxRows(), config.connectTimeoutMs(), waitQueue);
      case "mysql" ->
          new MySqlDatasource(ds, vertx, config.maxRows(), config.connectTimeoutMs(), waitQueue);
      case "redis" -> new RedisDatasource(ds, vertx, config.connectTimeoutMs(), waitQueue);
      case "mongo" -> new MongoDatasource(ds, config.maxRows(), config.connectTimeoutMs());
      default -> throw new IllegalStateException("no datasource class for kind " + ds.kind());
    };
  }

  /**
   * The datasource a node names ({@code database}), else the configured default.
   *
   * @throws LogicGraphException E004 naming the datasource and the configured names
   */
  public Datasource get(String nodeId, String name) {
    String wanted = name == null || name.isBlank() ? config.defaultDatasource().orElse(null) : name;
    if (wanted == null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node '" + nodeId + "' names no database and worker-db has no default datasource",
          false,
          "set `database:` on the node; configured datasources: " + byName.keySet());
    }
    Datasource datasource = byName.get(wanted);
    if (datasource == null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "unknown datasource '" + wanted + "'; configured datasources: " + byName.keySet(),
          false,
          "the operator configures datasources with DATASOURCE_<NAME>_URL on worker-db");
    }
    return datasource;
  }

  public Collection<Datasource> all() {
    return byName.values();
  }

  void close(@Observes ShutdownEvent event) {
    byName.values().forEach(ds -> ds.close().await().atMost(Duration.ofSeconds(5)));
  }
}
