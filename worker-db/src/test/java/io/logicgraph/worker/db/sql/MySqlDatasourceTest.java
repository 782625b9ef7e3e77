package io.logicgraph.worker.db.sql;

import static io.logicgraph.worker.db.NodeTasks.expectError;
import static io.logicgraph.worker.db.NodeTasks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.DatasourceSettings;
import io.logicgraph.worker.db.NodeTasks;
import io.logicgraph.worker.db.messaging.DbTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MySqlDatasource against the real MariaDB test database. */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class MySqlDatasourceTest {
  private static MySqlDatasource db;

  @Inject Vertx vertx;

  @BeforeEach
  void open() {
    if (db == null) {
      db = datasource("mysql_db", url(), 10_000);
    }
  }

  @AfterAll
  static void close() {
    db.close().await().indefinitely();
    db = null;
  }

  @Test
  void everyColumnTypeKeepsItsJsonType() throws Exception {
    ObjectNode out = run("q", "SELECT * FROM all_types WHERE id = ?", "{'id': 1}", "id");
    JsonNode row = out.get("q_result").get(0);
    assertThat(out.get("q_count").intValue()).isEqualTo(1);
    assertThat(out.has("q_truncated")).isFalse();
    assertThat(row.get("id").isInt()).isTrue();
    assertThat(row.get("tiny").intValue()).isEqualTo(-7);
    // BOOLEAN is TINYINT(1): the client does not report the width, so it stays 0/1.
    assertThat(row.get("flag").intValue()).isEqualTo(1);
    assertThat(row.get("small").intValue()).isEqualTo(300);
    assertThat(row.get("big").isLong()).isTrue();
    assertThat(row.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(row.get("ubig").bigIntegerValue()).hasToString("18446744073709551615");
    assertThat(row.get("amount").isBigDecimal()).isTrue();
    assertThat(row.get("amount").decimalValue()).isEqualByComparingTo("12345.6789");
    assertThat(row.get("ratio").doubleValue()).isEqualTo(0.5);
    assertThat(row.get("score").doubleValue()).isEqualTo(2.25);
    assertThat(row.get("label").textValue()).isEqualTo("héllo");
    assertThat(row.get("body").textValue()).isEqualTo("long text");
    assertThat(row.get("created_at").textValue()).isEqualTo("2024-03-01T10:00:00.123");
    assertThat(row.get("day").textValue()).isEqualTo("2024-03-01");
    assertThat(row.get("at_time").textValue()).isEqualTo("-838:59:58.5");
    assertThat(row.get("yr").intValue()).isEqualTo(2024);
    assertThat(row.get("bin").textValue()).isEqualTo("AP8=");
    assertThat(row.get("bits").intValue()).isEqualTo(5);
    assertThat(row.get("choice").textValue()).isEqualTo("b");
    // MariaDB's JSON is LONGTEXT: the text as stored; MySQL's JSON type arrives as JSON.
    JsonNode doc = row.get("doc");
    if (doc.isTextual()) {
      assertThat(doc.textValue()).isEqualTo("{\"a\": [1, 2]}");
    } else {
      assertThat(doc.toString()).isEqualTo("{\"a\":[1,2]}");
    }
    // The decimal stays exact on the wire.
    assertThat(Json.MAPPER.writeValueAsString(row.get("amount"))).isEqualTo("12345.6789");
  }

  @Test
  void sqlNullsAreJsonNulls() throws Exception {
    JsonNode row =
        run("q", "SELECT * FROM all_types WHERE id = ?", "{'id': 2}", "id").get("q_result").get(0);
    assertThat(row.size()).isEqualTo(19);
    row.fields()
        .forEachRemaining(
            field -> {
              if (!field.getKey().equals("id")) {
                assertThat(field.getValue().isNull()).as(field.getKey()).isTrue();
              }
            });
  }

  @Test
  void boundParametersStayData() throws Exception {
    String injection = "x'); DROP TABLE items; --";
    ObjectNode context =
        Json.MAPPER.createObjectNode().put("note", injection).put("name", "' OR '1'='1");
    run("ins", "INSERT INTO notes(note) VALUES (?)", context, "note");
    ObjectNode stored = run("sel", "SELECT note FROM notes WHERE note = ?", context, "note");
    assertThat(stored.get("sel_result").get(0).get("note").textValue()).isEqualTo(injection);
    ObjectNode none = run("sel", "SELECT COUNT(*) AS n FROM items WHERE name = ?", context, "name");
    assertThat(none.get("sel_result").get(0).get("n").intValue()).isZero();
    assertThat(run("all", "SELECT COUNT(*) AS n FROM items", "{}").at("/all_result/0/n").intValue())
        .isEqualTo(25);
  }

  @Test
  void parametersBindByJsonType() throws Exception {
    ObjectNode out =
        run(
            "p",
            "SELECT ? + 1 AS next, ? AS big, ? * 2 AS dec2, ? IS NULL AS is_null,"
                + " JSON_EXTRACT(?, '$.k[0]') AS k, ? AS yes, (SELECT COUNT(*) FROM items"
                + " WHERE JSON_CONTAINS(?, CAST(id AS CHAR))) AS picked",
            "{'i': 41, 'l': 9007199254740993, 'd': 1.25, 'n': null, 'obj': {'k': [true]},"
                + " 'b': true, 'ids': [1, 2, 3]}",
            "i",
            "l",
            "d",
            "n",
            "obj",
            "b",
            "ids");
    JsonNode row = out.get("p_result").get(0);
    assertThat(row.get("next").intValue()).isEqualTo(42);
    assertThat(row.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(row.get("dec2").decimalValue()).isEqualByComparingTo("2.5");
    assertThat(row.get("is_null").intValue()).isEqualTo(1);
    assertThat(row.get("k").asText()).isEqualTo("true");
    assertThat(row.get("yes").intValue()).isEqualTo(1);
    assertThat(row.get("picked").intValue()).isEqualTo(3);
  }

  @Test
  void missingParameterFailsWithE010NamingThePath() {
    expectError(
        () -> run("q", "SELECT ? AS v", "{'a': {}}", "a.b"),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("#1 (?)").contains("'a.b'"));
  }

  @Test
  void placeholdersWithoutParamsFailWithE010() {
    expectError(
        () -> run("q", "SELECT * FROM items WHERE id = ?", "{}"),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("parameters"));
  }

  @Test
  void sqlErrorsArePermanentE001WithTheServerMessage() {
    expectError(
        () -> run("q", "SELECT * FROM nope", "{}"),
        ErrorCode.E001,
        false,
        e ->
            assertThat(e.getMessage())
                .startsWith("Table 'worker_db_test.nope' doesn't exist")
                .contains("error 1146")
                .contains("42S02"));
    expectError(
        () -> run("q", "SELEC 1", "{}"),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("SQL syntax"));
    expectError(
        () -> run("q", "INSERT INTO items VALUES (1, 'dup', 1)", "{}"),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("Duplicate entry").contains("error 1062"));
  }

  @Test
  void maxRowsTruncatesAndFlags() {
    ObjectNode config = config("SELECT * FROM items ORDER BY id").put("max_rows", 10);
    ObjectNode out = execute(task("q", config, Json.MAPPER.createObjectNode()));
    assertThat(out.get("q_result").size()).isEqualTo(10);
    assertThat(out.get("q_count").intValue()).isEqualTo(10);
    assertThat(out.get("q_truncated").booleanValue()).isTrue();
    assertThat(out.at("/q_result/9/id").intValue()).isEqualTo(10);

    config.put("max_rows", 25);
    ObjectNode all = execute(task("q", config, Json.MAPPER.createObjectNode()));
    assertThat(all.get("q_count").intValue()).isEqualTo(25);
    assertThat(all.has("q_truncated")).isFalse();
  }

  @Test
  void statementsWithoutRowsCountChangedRows() throws Exception {
    ObjectNode out = run("u", "UPDATE items SET qty = qty WHERE id <= ?", "{'n': 3}", "n");
    assertThat(out.get("u_result").size()).isZero();
    // MySQL counts matched rows here (the client asks for found rows, not changed ones).
    assertThat(out.get("u_count").intValue()).isEqualTo(3);
  }

  @Test
  void deadlineBoundsTheStatementAndIsRetryable() {
    NodeTask task = task("slow", config("SELECT SLEEP(5) AS s"), Json.MAPPER.createObjectNode());
    long started = System.nanoTime();
    expectError(
        () ->
            db.execute(task, Instant.now().plusMillis(1200)).await().atMost(Duration.ofSeconds(10)),
        ErrorCode.E005,
        true,
        e -> {});
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    // The connection is usable again afterwards.
    assertThat(run("one", "SELECT 1 AS one", json("{}")).at("/one_result/0/one").intValue())
        .isEqualTo(1);
  }

  @Test
  void unreachableDatabaseIsRetryableE002WithoutSecrets() {
    MySqlDatasource down =
        datasource("down_db", "mysql://logic_graph:pw-do-not-leak@127.0.0.1:1/nowhere", 2000);
    try {
      expectError(
          () -> execute(down, task("q", config("SELECT 1"), Json.MAPPER.createObjectNode())),
          ErrorCode.E002,
          true,
          e -> assertThat(e.getMessage()).contains("down_db").doesNotContain("pw-do-not-leak"));
    } finally {
      down.close().await().indefinitely();
    }
  }

  @Test
  void badCredentialsArePermanentE004WithoutSecrets() {
    URI good = URI.create(url());
    MySqlDatasource wrong =
        datasource(
            "wrong_db",
            "mysql://logic_graph:pw-do-not-leak@" + good.getHost() + ":" + good.getPort() + "/x",
            2000);
    try {
      expectError(
          () -> execute(wrong, task("q", config("SELECT 1"), Json.MAPPER.createObjectNode())),
          ErrorCode.E004,
          false,
          e ->
              assertThat(e.getMessage())
                  .contains("wrong_db")
                  .contains("error 1045")
                  .doesNotContain("pw-do-not-leak"));
    } finally {
      wrong.close().await().indefinitely();
    }
  }

  @Test
  void urlFormsAndUnknownParameters() {
    var options =
        MySqlDatasource.connectOptions(
            DatasourceSettings.of(
                "x", "mariadb://app:p%40ss+w@db.local/shop?sslMode=required", 1, 1),
            1000);
    assertThat(options.getHost()).isEqualTo("db.local");
    assertThat(options.getPort()).isEqualTo(3306);
    assertThat(options.getUser()).isEqualTo("app");
    assertThat(options.getPassword()).isEqualTo("p@ss+w");
    assertThat(options.getDatabase()).isEqualTo("shop");
    assertThat(options.getSslMode().name()).isEqualTo("REQUIRED");
    assertThatThrownBy(
            () ->
                MySqlDatasource.connectOptions(
                    DatasourceSettings.of("x", "mysql://u:secret@h/db?sslmod=required", 1, 1),
                    1000))
        .hasMessageContaining("unsupported URL parameter 'sslmod'")
        .hasMessageNotContaining("secret");
  }

  private MySqlDatasource datasource(String name, String url, int timeoutMs) {
    return new MySqlDatasource(
        new DatasourceSettings(name, "mysql", URI.create(url), 2, timeoutMs),
        vertx,
        1000,
        2000,
        16);
  }

  private static String url() {
    return ConfigProvider.getConfig().getValue("test.mysql-url", String.class);
  }

  private static ObjectNode run(String nodeId, String sql, String context, String... params) {
    return run(nodeId, sql, json(context), params);
  }

  private static ObjectNode run(String nodeId, String sql, ObjectNode context, String... params) {
    ObjectNode config = config(sql);
    for (String param : params) {
      config.withArray("params").add(param);
    }
    return execute(task(nodeId, config, context));
  }

  private static ObjectNode execute(NodeTask task) {
    return execute(db, task);
  }

  private static ObjectNode execute(MySqlDatasource datasource, NodeTask task) {
    return NodeTasks.run(datasource, task);
  }

  private static ObjectNode config(String sql) {
    return Json.MAPPER.createObjectNode().put("database", "mysql_db").put("query", sql);
  }

  private static NodeTask task(String nodeId, ObjectNode config, ObjectNode context) {
    return NodeTasks.task(nodeId, NodeType.MYSQL, config, context);
  }
}
