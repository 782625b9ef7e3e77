package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.Datasource;
import io.logicgraph.worker.db.DatasourceSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.mysqlclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collector;

/**
 * A MySQL or MariaDB datasource ({@code mysql://user:password@host:3306/database}, also {@code
 * mariadb://}): one reactive pool; each node attempt runs in its own transaction with a server-side
 * statement time limit (MariaDB {@code max_statement_time}; MySQL {@code max_execution_time}, which
 * bounds SELECT only) lowered to fit the attempt's deadline, and keeps at most {@code max_rows + 1}
 * rows in memory. Parameters are MySQL's positional {@code ?}.
 */
public final class MySqlDatasource implements Datasource {
  /** URL query parameters understood; anything else is refused at startup (typo protection). */
  private static final Set<String> URL_PARAMETERS =
      Set.of("sslMode", "ssl-mode", "useAffectedRows", "charset", "collation");

  private static final Pattern SERVER_MESSAGE =
      Pattern.compile("\\{errorMessage=(.*), errorCode=\\d+, sqlState=[^}]*}", Pattern.DOTALL);

  /** Which statement time limit the server has; learnt from the first connection. */
  private enum Flavor {
    MARIADB,
    MYSQL
  }

  private final DatasourceSettings settings;
  private final Pool pool;
  private final int defaultMaxRows;
  private volatile Flavor flavor;

  public MySqlDatasource(
      DatasourceSettings settings,
      Vertx vertx,
      int defaultMaxRows,
      int connectTimeoutMs,
      int waitQueue) {
    this.settings = settings;
    this.defaultMaxRows = defaultMaxRows;
    PoolOptions options =
        new PoolOptions()
            .setName("datasource-" + settings.name())
            .setMaxSize(settings.poolSize())
            .setMaxWaitQueueSize(waitQueue)
            .setConnectionTimeout(connectTimeoutMs)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            .setIdleTimeout(60)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    this.pool =
        Pool.newInstance(
            MySQLBuilder.pool()
                .with(options)
                .connectingTo(connectOptions(settings, connectTimeoutMs))
                .using(vertx)
                .build());
  }

  /**
   * Connection options from the datasource URL, built here rather than by the client's URI parser,
   * whose errors quote the whole URL (password included).
   */
  static MySQLConnectOptions connectOptions(DatasourceSettings settings, int connectTimeoutMs) {
    URI url = settings.url();
    if (url.getHost() == null) {
      throw new IllegalArgumentException(
          "datasource '" + settings.name() + "': the URL names no host (mysql://user:pw@host/db)");
    }
    MySQLConnectOptions options =
        new MySQLConnectOptions()
            .setHost(url.getHost())
            .setPort(url.getPort() > 0 ? url.getPort() : 3306)
            .setCharset("utf8mb4")
            .setConnectTimeout(connectTimeoutMs)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setReconnectAttempts(0);
    String userInfo = url.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      options.setUser(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        options.setPassword(decode(userInfo.substring(colon + 1)));
      }
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath().replaceFirst("^/", "");
    if (!path.isEmpty()) {
      options.setDatabase(decode(path));
    }
    if (url.getRawQuery() != null) {
      for (String pair : url.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (!URL_PARAMETERS.contains(key)) {
          throw new IllegalArgumentException(
              "datasource '"
                  + settings.name()
                  + "': unsupported URL parameter '"
                  + key
                  + "' (supported: "
                  + URL_PARAMETERS
                  + ")");
        }
        switch (key) {
          case "sslMode", "ssl-mode" ->
              options.setSslMode(SslMode.of(value.toLowerCase(Locale.ROOT)));
          case "useAffectedRows" -> options.setUseAffectedRows(Boolean.parseBoolean(value));
          case "charset" -> options.setCharset(value);
          default -> options.setCollation(value);
        }
      }
    }
    options.addProperty("program_name", "logic-graph worker-db");
    return options;
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public DatasourceSettings settings() {
    return settings;
  }

  @Override
  public Uni<ObjectNode> execute(NodeTask task, Instant deadline) {
    SqlStatement statement = SqlStatement.read(task, defaultMaxRows, i -> "#" + i + " (?)");
    List<Object> values = new ArrayList<>();
    statement.params().forEach(value -> values.add(toDriverValue(value)));
    long timeoutMs = settings.budgetMs(deadline);
    return pool.withTransaction(
            connection ->
                limitTime(connection, timeoutMs)
                    .chain(
                        () ->
                            Uni.createFrom()
                                .completionStage(
                                    () ->
                                        connection
                                            .getDelegate()
                                            .preparedQuery(statement.sql())
                                            .collecting(firstRows(statement.maxRows() + 1))
                                            .execute(io.vertx.sqlclient.Tuple.from(values))
                                            .toCompletionStage())))
        .ifNoItem()
        .after(Duration.ofMillis(timeoutMs).plus(DatasourceSettings.DEADLINE_MARGIN))
        .failWith(() -> timeout(timeoutMs))
        .map(read -> output(statement, read))
        .onFailure(e -> !(e instanceof LogicGraphException))
        .transform(e -> classify(e, timeoutMs));
  }

  /**
   * Sets the session's statement time limit; the pool hands connections from attempt to attempt, so
   * every attempt sets its own.
   */
  private Uni<Void> limitTime(SqlConnection connection, long timeoutMs) {
    Flavor known = flavor;
    Uni<Flavor> server =
        known != null
            ? Uni.createFrom().item(known)
            : connection
                .query("SELECT VERSION()")
                .execute()
                .map(
                    rows -> {
                      String version = String.valueOf(rows.iterator().next().getValue(0));
                      flavor = version.contains("MariaDB") ? Flavor.MARIADB : Flavor.MYSQL;
                      return flavor;
                    });
    return server
        .chain(
            kind ->
                connection
                    .query(
                        kind == Flavor.MARIADB
                            ? String.format(
                                Locale.ROOT,
                                "SET SESSION max_statement_time = %.3f",
                                timeoutMs / 1000.0)
                            : "SET SESSION max_execution_time = " + timeoutMs)
                    .execute())
        .replaceWithVoid();
  }

  /**
   * Keeps the first {@code limit} rows as JSON and lets the rest stream past (MySQL cursors do not
   * serve statements without result sets, so rows are not fetched through one).
   */
  private static Collector<io.vertx.sqlclient.Row, ?, List<ObjectNode>> firstRows(int limit) {
    return Collector.<io.vertx.sqlclient.Row, List<ObjectNode>>of(
        ArrayList::new,
        (rows, row) -> {
          if (rows.size() < limit) {
            rows.add(MySqlRows.toJson(row));
          }
        },
        (a, b) -> {
          a.addAll(b);
          return a;
        });
  }

  private static ObjectNode output(SqlStatement statement, SqlResult<List<ObjectNode>> read) {
    // A statement without result columns (INSERT/UPDATE/DELETE) counts the rows it changed.
    boolean returnsRows = read.columnsNames() != null && !read.columnsNames().isEmpty();
    return statement.output(read.value(), returnsRows, read.rowCount());
  }

  /**
   * JSON to driver values: strings, booleans, integers, decimals; objects and arrays as their JSON
   * text (MySQL has no array parameters: use {@code JSON_CONTAINS(?, ...)} or {@code JSON_TABLE}).
   */
  static Object toDriverValue(JsonNode value) {
    if (value.isContainerNode()) {
      return value.toString();
    }
    return SqlParameters.toDriverValue(value);
  }

  private LogicGraphException timeout(long timeoutMs) {
    return new LogicGraphException(
        ErrorCode.E005,
        "statement on datasource '" + settings.name() + "' exceeded " + timeoutMs + " ms",
        true,
        "make the query cheaper, or raise the node's timeout_ms or the datasource timeout");
  }

  /** Maps a driver failure to an error code: the server's SQL errors are permanent. */
  LogicGraphException classify(Throwable failure, long timeoutMs) {
    String name = settings.name();
    if (failure instanceof MySQLException mysql) {
      int code = mysql.getErrorCode();
      String state = mysql.getSqlState() == null ? "" : mysql.getSqlState();
      String message =
          settings.redact(serverMessage(mysql)) + " (error " + code + ", SQLSTATE " + state + ")";
      return switch (code) {
        // Statement time limit (MariaDB, MySQL), query interrupted.
        case 1969, 3024, 1317 -> timeout(timeoutMs);
        // Too many connections, server shutting down, connection killed, server gone.
        case 1040, 1053, 1077, 1927, 2006, 2013 ->
            new LogicGraphException(
                ErrorCode.E002, "datasource '" + name + "' is unavailable: " + message, true, null);
        // Bad credentials, no access to the database, unknown database.
        case 1044, 1045, 1049, 1698 ->
            new LogicGraphException(
                ErrorCode.E004,
                "datasource '" + name + "' refused the connection: " + message,
                false,
                "check the datasource's URL and credentials (DATASOURCE_"
                    + name.toUpperCase(Locale.ROOT)
                    + "_URL)");
        // Deadlock, lock wait timeout.
        case 1213, 1205 ->
            new LogicGraphException(
                ErrorCode.E012, message, true, "the transaction can be retried");
        default ->
            state.startsWith("08")
                ? new LogicGraphException(
                    ErrorCode.E002,
                    "datasource '" + name + "' is unavailable: " + message,
                    true,
                    null)
                : new LogicGraphException(ErrorCode.E001, message, false, null);
      };
    }
    String reason = failure.getMessage() == null ? "" : failure.getMessage();
    if (reason.contains("number of parameters")) {
      // The client checks the count before sending: the query has more ? than params lists.
      return new LogicGraphException(
          ErrorCode.E010,
          "query of the node does not get all its parameters: " + reason,
          false,
          "list one context path in params for every ? of the query");
    }
    if (reason.isEmpty()) {
      reason = "connection failed";
    }
    if (failure instanceof TimeoutException
        || reason.toLowerCase(Locale.ROOT).contains("timeout")) {
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

  /** The server's own text, without the client's {errorMessage=..., errorCode=...} wrapping. */
  private static String serverMessage(MySQLException e) {
    String text = e.getMessage() == null ? "" : e.getMessage();
    Matcher matcher = SERVER_MESSAGE.matcher(text);
    return matcher.matches() ? matcher.group(1) : text;
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
