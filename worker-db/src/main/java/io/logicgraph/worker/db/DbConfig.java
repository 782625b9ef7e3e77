package io.logicgraph.worker.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the database worker. Datasources come from the operator only: either environment
 * variables {@code DATASOURCE_<NAME>_URL} (scanned at startup, see {@link DatasourceSettings}) or
 * the properties below; graphs name them, never connect anywhere else.
 */
@ConfigMapping(prefix = "worker-db")
public interface DbConfig {
  /** Datasources set as properties, e.g. {@code worker-db.datasources."oms_db".url}. */
  Map<String, DatasourceProperties> datasources();

  /** The datasource used by a node that names none; unset = such a node fails with E004. */
  Optional<String> defaultDatasource();

  /** Rows a SQL node returns at most unless it sets {@code max_rows}; the rest is cut off. */
  @WithDefault("1000")
  int maxRows();

  /** Connections per datasource unless it sets its own pool size. */
  @WithDefault("8")
  int poolSize();

  /**
   * Statement time limit in ms per datasource unless it sets its own (the deadline can lower it).
   */
  @WithDefault("10000")
  int timeoutMs();

  /** Time limit in ms to open a connection to a datasource. */
  @WithDefault("5000")
  int connectTimeoutMs();

  /** One datasource given as properties. */
  interface DatasourceProperties {
    /** {@code postgresql://user:password@host:port/database}. */
    String url();

    /** Connections in this datasource's pool. */
    Optional<Integer> poolSize();

    /** Statement time limit in ms. */
    Optional<Integer> timeoutMs();
  }
}
