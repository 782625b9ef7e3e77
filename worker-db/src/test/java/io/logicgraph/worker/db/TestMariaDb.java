package io.logicgraph.worker.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The MariaDB (or MySQL) database of this module's tests, {@code worker_db_test}, with a table
 * holding every column type the worker maps. Where the server is: {@code MYSQL_URL} if set; else
 * with {@code TEST_INFRA=containers} a Testcontainers MariaDB; else the local MariaDB that {@code
 * deploy/local/infra.sh start} runs (user logic_graph may create databases named {@code *_test}).
 * An unreachable server fails the tests with a message saying how to start it: never a silent skip.
 */
public final class TestMariaDb {
  public static final String NAME = "worker_db_test";
  private static final String LOCAL = "mysql://logic_graph:logic_graph@127.0.0.1:3306/logic_graph";

  private static final List<String> SCHEMA =
      List.of(
          "DROP TABLE IF EXISTS all_types, items, notes",
          """
          CREATE TABLE all_types (
            id INT PRIMARY KEY, tiny TINYINT, flag BOOLEAN, small SMALLINT, big BIGINT,
            ubig BIGINT UNSIGNED, amount DECIMAL(14,4), ratio FLOAT, score DOUBLE,
            label VARCHAR(20), body TEXT, created_at DATETIME(3), day DATE, at_time TIME(3),
            yr YEAR, doc JSON, bin VARBINARY(4), bits BIT(8), choice ENUM('a', 'b'))
          CHARACTER SET utf8mb4
          """,
          """
          INSERT INTO all_types VALUES
            (1, -7, TRUE, 300, 9007199254740993, 18446744073709551615, 12345.6789, 0.5, 2.25,
             'héllo', 'long text', '2024-03-01 10:00:00.123', '2024-03-01', '-838:59:58.500',
             2024, '{"a": [1, 2]}', X'00FF', b'00000101', 'b'),
            (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL)
          """,
          "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL)",
          "INSERT INTO items VALUES "
              + IntStream.rangeClosed(1, 25)
                  .mapToObj(i -> "(" + i + ", 'item-" + i + "', " + i * 10 + ")")
                  .collect(Collectors.joining(", ")),
          "CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT NOT NULL)");

  private static String url;

  private TestMariaDb() {}

  /**
   * Creates the database if missing, (re)creates its tables and returns its URL ({@code
   * mysql://user:pass@host:port/worker_db_test}).
   */
  public static synchronized String prepare() {
    if (url == null) {
      String admin = adminUrl();
      Vertx vertx = Vertx.vertx();
      try {
        MySQLConnection connection = connect(vertx, admin);
        await(connection.query("CREATE DATABASE IF NOT EXISTS " + NAME).execute(), admin);
        await(connection.close(), admin);
        String test = admin.replaceAll("/[^/?]*(\\?.*)?$", "/" + NAME);
        MySQLConnection db = connect(vertx, test);
        for (String statement : SCHEMA) {
          await(db.query(statement).execute(), test);
        }
        await(db.close(), test);
        url = test;
      } finally {
        vertx.close();
      }
    }
    return url;
  }

  private static String adminUrl() {
    String configured = setting("MYSQL_URL");
    if (configured != null) {
      return configured;
    }
    String mode = setting("TEST_INFRA");
    if (mode != null && mode.toLowerCase(Locale.ROOT).equals("containers")) {
      return startContainer();
    }
    return LOCAL;
  }

  @SuppressWarnings("resource") // one per JVM, stopped by Testcontainers' reaper
  private static String startContainer() {
    GenericContainer<?> mariadb =
        new GenericContainer<>("mariadb:11")
            .withEnv("MARIADB_ROOT_PASSWORD", "root")
            .withEnv("MARIADB_USER", "logic_graph")
            .withEnv("MARIADB_PASSWORD", "logic_graph")
            .withEnv("MARIADB_DATABASE", NAME)
            .withExposedPorts(3306)
            .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2));
    mariadb.start();
    return "mysql://logic_graph:logic_graph@"
        + mariadb.getHost()
        + ":"
        + mariadb.getMappedPort(3306)
        + "/"
        + NAME;
  }

  private static MySQLConnection connect(Vertx vertx, String url) {
    URI uri = URI.create(url);
    String[] user = uri.getUserInfo().split(":", 2);
    MySQLConnectOptions options =
        new MySQLConnectOptions()
            .setHost(uri.getHost())
            .setPort(uri.getPort() > 0 ? uri.getPort() : 3306)
            .setUser(user[0])
            .setPassword(user.length > 1 ? user[1] : null)
            .setDatabase(uri.getPath().substring(1))
            .setCharset("utf8mb4")
            .setConnectTimeout(5000);
    return await(MySQLConnection.connect(vertx, options), url);
  }

  private static <T> T await(Future<T> future, String url) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      URI uri = URI.create(url);
      throw new IllegalStateException(
          "MariaDB/MySQL test database not usable at "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " ("
              + e.getMessage()
              + "). Start it with deploy/local/infra.sh start, or set MYSQL_URL, or run with"
              + " TEST_INFRA=containers",
          e);
    }
  }

  private static String setting(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
