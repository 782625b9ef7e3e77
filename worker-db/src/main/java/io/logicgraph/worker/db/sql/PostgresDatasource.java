package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.Datasource;
import io.logicgraph.worker.db.DatasourceSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL datasource: one reactive pool; each node attempt runs in its own transaction with a
 * server-side {@code statement_timeout} (the datasource's limit, lowered to fit the attempt's
 * deadline) and reads at most {@code max_rows + 1} rows through a cursor, so a huge result never
 * lands in memory.
 */
public final class PostgresDatasource implements Datasource {
  private final DatasourceSettings settings;
  private final Pool pool;
  private final int defaultMaxRows;

  public PostgresDatasource(
      DatasourceSettings settings,
      Vertx vertx,
      int defaultMaxRows,
      int connectTimeoutMs,
      int waitQueue) {
    this.settings = settings;
    this.defaultMaxRows = defaultMaxRows;
    PgConnectOptions connect =
        PgConnectOptions.fromUri(settings.url().toString())
            .setConnectTimeout(connectTimeoutMs)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setReconnectAttempts(0);
    connect.addProperty("application_name", "logic-graph worker-db");
    PoolOptions options =
        new PoolOptions()
            .setName("datasource-" + settings.name())
            .setMaxSize(settings.poolSize())
            .setMaxWaitQueueSize(waitQueue)
            .setConnectionTimeout(connectTimeoutMs)
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
            .setIdleTimeout(60)
            .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    this.pool =
        Pool.newInstance(PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build());
  }

  @Override
  public DatasourceSettings settings() {
    return settings;
  }

  @Override
  public Uni<ObjectNode> execute(NodeTask task, Instant deadline) {
    SqlStatement statement = SqlStatement.read(task, defaultMaxRows, i -> "$" + i);
    List<Object> values = new ArrayList<>();
    statement.params().forEach(value -> values.add(SqlParameters.toDriverValue(value)));
    long timeoutMs = settings.budgetMs(deadline);
    return pool.withTransaction(
            connection ->
                run(
                    connection,
                    statement.sql(),
                    Tuple.from(values),
                    statement.maxRows(),
                    timeoutMs))
        .ifNoItem()
        .after(Duration.ofMillis(timeoutMs).plus(DatasourceSettings.DEADLINE_MARGIN))
        .failWith(() -> timeout(timeoutMs))
        .map(read -> output(statement, read))
        .onFailure(e -> !(e instanceof LogicGraphException))
        .transform(e -> classify(e, timeoutMs));
  }

  private Uni<RowSet<Row>> run(
      SqlConnection connection, String sql, Tuple params, int maxRows, long timeoutMs) {
    return connection
        .preparedQuery("SELECT set_config('statement_timeout', $1, true)")
        .execute(Tuple.of(String.valueOf(timeoutMs)))
        .chain(() -> connection.prepare(sql))
        .chain(
            statement -> {
              // One row more than wanted tells "truncated" from "exactly max_rows".
              var cursor = statement.cursor(params);
              return cursor.read(maxRows + 1).call(cursor::close);
            });
  }

  private static ObjectNode output(SqlStatement statement, RowSet<Row> read) {
    List<ObjectNode> rows = new ArrayList<>();
    for (Row row : read) {
      rows.add(PgRows.toJson(row.getDelegate()));
    }
    // A statement without result columns (INSERT/UPDATE/DELETE) counts the rows it changed.
    boolean returnsRows = read.columnsNames() != null && !read.columnsNames().isEmpty();
    return statement.output(rows, returnsRows, read.rowCount());
  }

  private LogicGraphException timeout(long timeoutMs) {
    return new LogicGraphException(
        ErrorCode.E005,
        "statement on datasource '" + settings.name() + "' exceeded " + timeoutMs + " ms",
        true,
        "make the query cheaper, or raise the node's timeout_ms or the datasource timeout");
  }

  /** Maps a driver failure to an error code: the database's SQL errors are permanent. */
  LogicGraphException classify(Throwable failure, long timeoutMs) {
    String name = settings.name();
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      String message = settings.redact(pg.getErrorMessage()) + " (SQLSTATE " + state + ")";
      if (state.equals("57014")) {
        return timeout(timeoutMs);
      }
      if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
        return new LogicGraphException(
            ErrorCode.E002, "datasource '" + name + "' is unavailable: " + message, true, null);
      }
      if (state.startsWith("28") || state.equals("3D000")) {
        return new LogicGraphException(
            ErrorCode.E004,
            "datasource '" + name + "' refused the connection: " + message,
            false,
            "check the datasource's URL and credentials (DATASOURCE_"
                + name.toUpperCase()
                + "_URL)");
      }
      if (state.equals("40001") || state.equals("40P01")) {
        return new LogicGraphException(
            ErrorCode.E012, message, true, "the transaction can be retried");
      }
      String detail = pg.getDetail() == null ? "" : ": " + settings.redact(pg.getDetail());
      return new LogicGraphException(
          ErrorCode.E001, message + detail, false, settings.redact(pg.getHint()));
    }
    String reason = failure.getMessage() == null ? "" : failure.getMessage();
    if (reason.contains("number of parameters")) {
      // The driver checks the count before sending: the query uses more $n than params lists.
      return new LogicGraphException(
          ErrorCode.E010,
          "query of the node does not get all its parameters: " + reason,
          false,
          "list one context path in params for every $n of the query");
    }
    if (reason.contains("can not be coerced")) {
      return new LogicGraphException(
          ErrorCode.E001,
          settings.redact(reason),
          false,
          "text binds to text, varchar and uuid; compare other types with a cast, e.g. $1::text::date");
    }
    if (reason.isEmpty()) {
      reason = "connection failed";
    }
    if (failure instanceof TimeoutException || reason.toLowerCase().contains("timeout")) {
      return new LogicGraphException(
          ErrorCode.E002,
          "no connection to datasource '" + name + "' available in time",
          true,
          "the datasource is slow or its pool is exhausted");
    }
    return new LogicGraphException(
        ErrorCode.E002,
        "datasource '" + name + "' is unreachable: " + settings.redact(reason),
        true,
        failure instanceof IOException ? "check that the database is up" : null);
  }

  /**
   * Borrows a connection rather than running the query on the pool: the pool's own query path
   * leaves a timer behind when the database is unreachable (vertx-sql-client issue 1706).
   */
  @Override
  public Uni<Void> ping(Duration timeout) {
    return pool.withConnection(connection -> connection.query("SELECT 1").execute())
        .replaceWithVoid()
        .ifNoItem()
        .after(timeout)
        .fail();
  }

  @Override
  public Uni<Void> close() {
    return pool.close();
  }
}
