package io.logicgraph.worker.db.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.DatasourceSettings;
import io.logicgraph.worker.db.TestDatabase;
import io.logicgraph.worker.db.messaging.DbTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgresDatasource against the real test database (a Quarkus test only to share the test
 * infrastructure's class loader and Vert.x with the other tests of the module).
 */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class PostgresDatasourceTest {
  private static PostgresDatasource db;

  @Inject Vertx vertx;

  @BeforeEach
  void open() {
    if (db == null) {
      db = datasource("test_db", TestDatabase.url(), 10_000);
    }
  }

  @AfterAll
  static void close() {
    db.close().await().indefinitely();
    db = null;
  }

  @Test
  void everyColumnTypeKeepsItsJsonType() throws Exception {
    ObjectNode out = run("q", "SELECT * FROM all_types WHERE id = $1", "{\"id\": 1}", "id");
    JsonNode row = out.get("q_result").get(0);
    assertThat(out.get("q_count").intValue()).isEqualTo(1);
    assertThat(out.has("q_truncated")).isFalse();
    assertThat(row.get("id").isInt()).isTrue();
    assertThat(row.get("small").intValue()).isEqualTo(7);
    assertThat(row.get("big").isLong()).isTrue();
    assertThat(row.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(row.get("amount").isBigDecimal()).isTrue();
    assertThat(row.get("amount").decimalValue()).isEqualByComparingTo("12345.6789");
    assertThat(row.get("ratio").doubleValue()).isEqualTo(0.5);
    assertThat(row.get("score").doubleValue()).isEqualTo(2.25);
    assertThat(row.get("flag").booleanValue()).isTrue();
    assertThat(row.get("label").textValue()).isEqualTo("héllo");
    assertThat(row.get("code").textValue()).isEqualTo("A1");
    assertThat(row.get("created_at").textValue()).isEqualTo("2024-03-01T10:00:00");
    assertThat(Instant.parse(row.get("updated_at").textValue()))
        .isEqualTo(Instant.parse("2024-03-01T08:00:00.123Z"));
    assertThat(row.get("day").textValue()).isEqualTo("2024-03-01");
    assertThat(row.get("at_time").textValue()).isEqualTo("10:11:12");
    assertThat(row.get("uid").textValue()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(row.get("doc").toString()).isEqualTo("{\"a\":[1,2]}");
    assertThat(row.get("docb").toString()).isEqualTo("{\"b\":{\"c\":null}}");
    assertThat(row.get("tags").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(row.get("nums").toString()).isEqualTo("[1,2,3]");
    assertThat(row.get("blob").textValue()).isEqualTo("AP8=");
    assertThat(row.get("span").textValue()).isEqualTo("P1DT2H0.5S");
    // The numeric stays exact on the wire.
    assertThat(Json.MAPPER.writeValueAsString(row.get("amount"))).isEqualTo("12345.6789");
  }

  @Test
  void sqlNullsAreJsonNulls() throws Exception {
    JsonNode row =
        run("q", "SELECT * FROM all_types WHERE id = $1", "{\"id\": 2}", "id")
            .get("q_result")
            .get(0);
    assertThat(row.size()).isEqualTo(20);
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
    ObjectNode inserted =
        run("ins", "INSERT INTO notes(note) VALUES ($1) RETURNING note", context, "note");
    assertThat(inserted.get("ins_result").get(0).get("note").textValue()).isEqualTo(injection);
    ObjectNode selected =
        run("sel", "SELECT count(*)::int AS n FROM items WHERE name = $1", context, "name");
    assertThat(selected.get("sel_result").get(0).get("n").intValue()).isZero();
    assertThat(
            run("all", "SELECT count(*) AS n FROM items", "{}")
                .get("all_result")
                .get(0)
                .get("n")
                .longValue())
        .isEqualTo(25);
  }

  @Test
  void parametersBindByJsonType() throws Exception {
    ObjectNode out =
        run(
            "p",
            "SELECT $1::int + 1 AS next, $2::bigint AS big, $3::numeric AS dec, $4::text IS NULL AS"
                + " is_null, (SELECT count(*) FROM items WHERE id = ANY($5))::int AS picked,"
                + " $6::jsonb -> 'k' AS k, $7::boolean AS yes",
            "{\"i\": 41, \"l\": 9007199254740993, \"d\": 1.25, \"n\": null, \"ids\": [1, 2, 3],"
                + " \"obj\": {\"k\": [true]}, \"b\": true}",
            "i",
            "l",
            "d",
            "n",
            "ids",
            "obj",
            "b");
    JsonNode row = out.get("p_result").get(0);
    assertThat(row.get("next").intValue()).isEqualTo(42);
    assertThat(row.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(row.get("dec").decimalValue()).isEqualByComparingTo("1.25");
    assertThat(row.get("is_null").booleanValue()).isTrue();
    assertThat(row.get("picked").intValue()).isEqualTo(3);
    assertThat(row.get("k").toString()).isEqualTo("[true]");
    assertThat(row.get("yes").booleanValue()).isTrue();
  }

  @Test
  void textBindsToUuidButOtherTypesNeedACast() throws Exception {
    String context = "{\"u\": \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\", \"d\": \"2024-03-01\"}";
    assertThat(
            run("q", "SELECT id FROM all_types WHERE uid = $1", context, "u")
                .get("q_count")
                .intValue())
        .isEqualTo(1);
    assertThat(
            run("q", "SELECT id FROM all_types WHERE day = $1::text::date", context, "d")
                .get("q_count")
                .intValue())
        .isEqualTo(1);
    expectError(
        () -> run("q", "SELECT id FROM all_types WHERE day = $1", context, "d"),
        ErrorCode.E001,
        false,
        e -> assertThat(e.hint()).contains("$1::text::date"));
  }

  @Test
  void missingParameterFailsWithE010NamingThePath() {
    assertThatThrownBy(() -> run("q", "SELECT $1::int AS v", "{\"a\": {}}", "a.b"))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E010);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("$1").contains("'a.b'");
            });
  }

  @Test
  void placeholdersWithoutParamsFailWithE010() {
    expectError(
        () -> run("q", "SELECT * FROM items WHERE id = $1", "{}"),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("parameters"));
  }

  @Test
  void sqlErrorsArePermanentE001WithTheDatabaseMessage() {
    expectError(
        () -> run("q", "SELECT * FROM nope", "{}"),
        ErrorCode.E001,
        false,
        e ->
            assertThat(e.getMessage())
                .contains("relation \"nope\" does not exist")
                .contains("42P01"));
    expectError(
        () -> run("q", "SELEC 1", "{}"),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("syntax error"));
    expectError(
        () -> run("q", "INSERT INTO items VALUES (1, 'dup', 1)", "{}"),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("duplicate key").contains("23505"));
  }

  @Test
  void maxRowsTruncatesAndFlags() throws Exception {
    ObjectNode config = config("SELECT * FROM items ORDER BY id");
    config.put("max_rows", 10);
    ObjectNode out = execute(task("q", config, Json.MAPPER.createObjectNode()));
    assertThat(out.get("q_result").size()).isEqualTo(10);
    assertThat(out.get("q_count").intValue()).isEqualTo(10);
    assertThat(out.get("q_truncated").booleanValue()).isTrue();
    assertThat(out.get("q_result").get(9).get("id").intValue()).isEqualTo(10);

    config.put("max_rows", 25);
    ObjectNode all = execute(task("q", config, Json.MAPPER.createObjectNode()));
    assertThat(all.get("q_count").intValue()).isEqualTo(25);
    assertThat(all.has("q_truncated")).isFalse();
  }

  @Test
  void statementsWithoutRowsCountChangedRows() throws Exception {
    ObjectNode out = run("u", "UPDATE notes SET note = note WHERE id < 0", "{}");
    assertThat(out.get("u_result").size()).isZero();
    assertThat(out.get("u_count").intValue()).isZero();
  }

  @Test
  void deadlineBoundsTheStatementAndIsRetryable() {
    NodeTask task = task("slow", config("SELECT pg_sleep(5)"), Json.MAPPER.createObjectNode());
    long started = System.nanoTime();
    expectError(
        () ->
            db.execute(task, Instant.now().plusMillis(1200)).await().atMost(Duration.ofSeconds(10)),
        ErrorCode.E005,
        true,
        e -> {});
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void unreachableDatabaseIsRetryableE002WithoutSecrets() {
    PostgresDatasource down =
        datasource("down_db", "postgresql://logic_graph:pw-do-not-leak@127.0.0.1:1/nowhere", 2000);
    try {
      expectError(
          () ->
              down.execute(task("q", config("SELECT 1"), Json.MAPPER.createObjectNode()), soon())
                  .await()
                  .atMost(Duration.ofSeconds(10)),
          ErrorCode.E002,
          true,
          e -> assertThat(e.getMessage()).contains("down_db").doesNotContain("pw-do-not-leak"));
    } finally {
      down.close().await().indefinitely();
    }
  }

  private static void expectError(
      ThrowingCallable call,
      ErrorCode code,
      boolean retryable,
      Consumer<LogicGraphException> more) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.retryable()).isEqualTo(retryable);
              more.accept(e);
            });
  }

  private PostgresDatasource datasource(String name, String url, int timeoutMs) {
    return new PostgresDatasource(
        new DatasourceSettings(name, "postgres", java.net.URI.create(url), 2, timeoutMs),
        vertx,
        1000,
        2000,
        16);
  }

  private static ObjectNode run(String nodeId, String sql, String context, String... params)
      throws Exception {
    return run(nodeId, sql, (ObjectNode) Json.MAPPER.readTree(context), params);
  }

  private static ObjectNode run(String nodeId, String sql, ObjectNode context, String... params) {
    ObjectNode config = config(sql);
    for (String param : params) {
      config.withArray("params").add(param);
    }
    return execute(task(nodeId, config, context));
  }

  private static ObjectNode execute(NodeTask task) {
    return db.execute(task, soon()).await().atMost(Duration.ofSeconds(20));
  }

  private static Instant soon() {
    return Instant.now().plusSeconds(15);
  }

  private static ObjectNode config(String sql) {
    return Json.MAPPER.createObjectNode().put("database", "test_db").put("query", sql);
  }

  static NodeTask task(String nodeId, ObjectNode config, ObjectNode context) {
    NodeDefinition node =
        new NodeDefinition(
            nodeId, NodeType.POSTGRES, null, config, null, null, null, null, null, null);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        UUID.randomUUID(),
        nodeId,
        1,
        node,
        context,
        soon(),
        Instant.now());
  }
}
