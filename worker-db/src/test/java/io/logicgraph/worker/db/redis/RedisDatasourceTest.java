package io.logicgraph.worker.db.redis;

import static io.logicgraph.worker.db.NodeTasks.expectError;
import static io.logicgraph.worker.db.NodeTasks.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.DatasourceSettings;
import io.logicgraph.worker.db.NodeTasks;
import io.logicgraph.worker.db.messaging.DbTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RedisDatasource against the real Redis (its own database index, keys prefixed per run). */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class RedisDatasourceTest {
  /** Every key of this run starts with it; removed afterwards. */
  private static final String PREFIX = "worker-db-test:" + UUID.randomUUID() + ":";

  private static RedisDatasource redis;
  private static Redis raw;

  @Inject Vertx vertx;

  @BeforeEach
  void open() {
    if (redis == null) {
      redis = datasource("redis_db", url());
      raw = Redis.createClient(io.vertx.mutiny.core.Vertx.newInstance(vertx), url());
    }
  }

  @AfterAll
  static void cleanUp() {
    Response keys = raw.send(Request.cmd(Command.KEYS).arg(PREFIX + "*")).await().indefinitely();
    for (Response key : keys) {
      raw.send(Request.cmd(Command.DEL).arg(key.toString())).await().indefinitely();
    }
    raw.close();
    redis.close().await().indefinitely();
    redis = null;
  }

  @Test
  void setRendersTheValueAndGetDecodesJson() {
    ObjectNode context =
        json(
            "{'p': '"
                + PREFIX
                + "', 'user': {'id': 7}, 'decision': {'reorder': true, 'qty': 12.5}}");
    ObjectNode set =
        run("remember", op("SET", "{{p}}user:{{user.id}}").put("value", "{{decision}}"), context);
    assertThat(set.toString()).isEqualTo("{\"remember_result\":true}");
    assertThat(raw(Command.GET, PREFIX + "user:7")).isEqualTo("{\"reorder\":true,\"qty\":12.5}");

    JsonNode got = run("load", op("GET", "{{p}}user:{{user.id}}"), context).get("load_result");
    assertThat(got.isObject()).isTrue();
    assertThat(got.get("reorder").booleanValue()).isTrue();
    assertThat(got.get("qty").decimalValue()).isEqualByComparingTo("12.5");
  }

  @Test
  void getReturnsJsonScalarsStringsAndNullForMissingKeys() {
    ObjectNode context =
        json("{'p': '" + PREFIX + "', 'n': 42, 'text': 'hello', 'odd': '12 apples'}");
    run("a", op("SET", "{{p}}n").put("value", "{{n}}"), context);
    run("b", op("SET", "{{p}}text").put("value", "{{text}}"), context);
    run("c", op("SET", "{{p}}odd").put("value", "{{odd}}"), context);

    assertThat(run("g", op("GET", "{{p}}n"), context).get("g_result").isIntegralNumber()).isTrue();
    assertThat(run("g", op("GET", "{{p}}n"), context).get("g_result").intValue()).isEqualTo(42);
    assertThat(run("g", op("GET", "{{p}}text"), context).get("g_result").textValue())
        .isEqualTo("hello");
    assertThat(run("g", op("GET", "{{p}}odd"), context).get("g_result").textValue())
        .isEqualTo("12 apples");
    JsonNode missing = run("g", op("GET", "{{p}}nothing-here"), context);
    assertThat(missing.toString()).isEqualTo("{\"g_result\":null}");
  }

  @Test
  void injectionLookingValuesAreStoredAsTheyAre() {
    String nasty = "x\r\nFLUSHALL\r\n\" OR 1=1 {{p}}";
    ObjectNode context = json("{'p': '" + PREFIX + "'}").put("nasty", nasty);
    run("s", op("SET", "{{p}}nasty key").put("value", "{{nasty}}"), context);
    assertThat(run("g", op("GET", "{{p}}nasty key"), context).get("g_result").textValue())
        .isEqualTo(nasty);
  }

  @Test
  void setWithTtlExpires() {
    ObjectNode context = json("{'p': '" + PREFIX + "'}");
    run("s", op("SET", "{{p}}ttl").put("value", "v").put("ttl_s", 100), context);
    long ttl = Long.parseLong(raw(Command.TTL, PREFIX + "ttl"));
    assertThat(ttl).isBetween(1L, 100L);
    run("s", op("SET", "{{p}}no-ttl").put("value", "v"), context);
    assertThat(raw(Command.TTL, PREFIX + "no-ttl")).isEqualTo("-1");
  }

  @Test
  void delCountsAndExistsIsBoolean() {
    ObjectNode context = json("{'p': '" + PREFIX + "'}");
    run("s", op("SET", "{{p}}gone").put("value", "1"), context);
    assertThat(run("e", op("EXISTS", "{{p}}gone"), context).toString())
        .isEqualTo("{\"e_result\":true}");
    assertThat(run("d", op("DEL", "{{p}}gone"), context).toString()).isEqualTo("{\"d_result\":1}");
    assertThat(run("d", op("DEL", "{{p}}gone"), context).toString()).isEqualTo("{\"d_result\":0}");
    assertThat(run("e", op("EXISTS", "{{p}}gone"), context).toString())
        .isEqualTo("{\"e_result\":false}");
  }

  @Test
  void keyRenderingEmptyFailsWithE010() {
    expectError(
        () -> run("k", op("GET", "{{session.id}}"), json("{}")),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("node 'k'").contains("session.id"));
  }

  @Test
  void errorRepliesArePermanentE001() {
    raw(Command.RPUSH, PREFIX + "list", "a");
    expectError(
        () -> run("g", op("GET", "{{p}}list"), json("{'p': '" + PREFIX + "'}")),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("WRONGTYPE"));
  }

  @Test
  void aNodeWithoutOperationIsAConfigurationError() {
    ObjectNode sql = json("{'database': 'redis_db', 'query': 'SELECT 1'}");
    expectError(
        () -> NodeTasks.run(redis, NodeTasks.task("x", NodeType.DB, sql, json("{}"))),
        ErrorCode.E004,
        false,
        e -> assertThat(e.hint()).contains("RedisNode"));
  }

  @Test
  void unreachableRedisIsRetryableE002WithoutSecrets() {
    RedisDatasource down = datasource("down_cache", "redis://:pw-do-not-leak@127.0.0.1:1/0");
    try {
      expectError(
          () -> NodeTasks.run(down, task("g", op("GET", "k"), json("{}"))),
          ErrorCode.E002,
          true,
          e -> assertThat(e.getMessage()).contains("down_cache").doesNotContain("pw-do-not-leak"));
    } finally {
      down.close().await().indefinitely();
    }
  }

  private String raw(Command command, String... args) {
    Request request = Request.cmd(command);
    for (String arg : args) {
      request.arg(arg);
    }
    Response response = raw.send(request).await().atMost(Duration.ofSeconds(5));
    return response == null ? null : response.toString();
  }

  private RedisDatasource datasource(String name, String url) {
    return new RedisDatasource(
        new DatasourceSettings(name, "redis", URI.create(url), 2, 2000), vertx, 2000, 16);
  }

  private static String url() {
    return ConfigProvider.getConfig().getValue("test.redis-url", String.class);
  }

  private static ObjectNode op(String operation, String key) {
    return json("{'database': 'redis_db'}").put("operation", operation).put("key", key);
  }

  private static ObjectNode run(String nodeId, ObjectNode config, ObjectNode context) {
    return NodeTasks.run(redis, task(nodeId, config, context));
  }

  private static NodeTask task(String nodeId, ObjectNode config, ObjectNode context) {
    return NodeTasks.task(nodeId, NodeType.REDIS, config, context);
  }
}
