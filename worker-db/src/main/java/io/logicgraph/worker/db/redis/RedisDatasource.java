package io.logicgraph.worker.db.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.Template;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.Datasource;
import io.logicgraph.worker.db.DatasourceSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.impl.types.ErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A Redis datasource ({@code redis://[user:password@]host:6379[/db]}, {@code rediss://} for TLS):
 * one pooled non-blocking client; a node runs one command — GET, SET (with optional {@code ttl_s}),
 * DEL or EXISTS — on a key rendered from its {@code key} template. Each command is bounded by the
 * datasource's time limit, lowered to fit the attempt's deadline.
 */
public final class RedisDatasource implements Datasource {
  /** Replies meaning "the server cannot answer now": trying again later can help. */
  private static final List<String> UNAVAILABLE =
      List.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN");

  /** Only a whole JSON text counts: {@code 12 apples} stays a string. */
  private static final ObjectReader JSON =
      Json.MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .with(JsonNodeFactory.withExactBigDecimals(true));

  private final DatasourceSettings settings;
  private final Redis redis;

  public RedisDatasource(
      DatasourceSettings settings, Vertx vertx, int connectTimeoutMs, int waitQueue) {
    this.settings = settings;
    RedisOptions options;
    try {
      options =
          new RedisOptions()
              .setConnectionString(settings.url().toString())
              .setMaxPoolSize(settings.poolSize())
              .setMaxPoolWaiting(waitQueue)
              .setMaxWaitingHandlers(Math.max(64, waitQueue))
              .setPoolRecycleTimeout(60_000)
              .setNetClientOptions(
                  new NetClientOptions()
                      .setConnectTimeout(connectTimeoutMs)
                      .setTcpKeepAlive(true)
                      .setTcpNoDelay(true));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "datasource '" + settings.name() + "': " + settings.redact(e.getMessage()));
    }
    this.redis = Redis.newInstance(io.vertx.redis.client.Redis.createClient(vertx, options));
  }

  @Override
  public DatasourceSettings settings() {
    return settings;
  }

  @Override
  public Uni<ObjectNode> execute(NodeTask task, Instant deadline) {
    String nodeId = task.nodeId();
    NodeDefinition node = task.node();
    String operation = node.text("operation");
    if (operation == null || operation.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node '"
              + nodeId
              + "' has no operation, but datasource '"
              + settings.name()
              + "' is a Redis database",
          false,
          "use a RedisNode (operation, key, value, ttl_s) for Redis datasources");
    }
    operation = operation.toUpperCase(Locale.ROOT);
    String key = key(nodeId, node, task.context());
    Request request =
        switch (operation) {
          case "GET" -> Request.cmd(Command.GET).arg(key);
          case "DEL" -> Request.cmd(Command.DEL).arg(key);
          case "EXISTS" -> Request.cmd(Command.EXISTS).arg(key);
          case "SET" -> set(nodeId, node, task.context(), key);
          default ->
              throw new LogicGraphException(
                  ErrorCode.E004,
                  "operation '"
                      + operation
                      + "' of node '"
                      + nodeId
                      + "' is not GET, SET, DEL or EXISTS",
                  false,
                  null);
        };
    String command = operation;
    long timeoutMs = settings.budgetMs(deadline);
    return redis
        .send(request)
        .ifNoItem()
        .after(Duration.ofMillis(timeoutMs))
        .failWith(() -> timeout(command, timeoutMs))
        .map(response -> output(nodeId, command, response))
        .onFailure(e -> !(e instanceof LogicGraphException))
        .transform(this::classify);
  }

  /** The rendered key; a key that renders empty is refused (E010) rather than written. */
  private static String key(String nodeId, NodeDefinition node, JsonNode context) {
    String template = node.text("key");
    if (template == null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node '" + nodeId + "' has no key",
          false,
          "e.g. key: \"session:{{user_id}}\"");
    }
    String key = Template.render(template, context);
    if (key.isEmpty()) {
      throw new LogicGraphException(
          ErrorCode.E010,
          "key of node '"
              + nodeId
              + "' is empty: its template reads "
              + Template.paths(template)
              + ", which the context does not provide",
          false,
          "put the key's values in the execution input or let an upstream node write them");
    }
    return key;
  }

  private static Request set(String nodeId, NodeDefinition node, JsonNode context, String key) {
    String template = node.text("value");
    if (template == null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "SET node '" + nodeId + "' has no value",
          false,
          "e.g. value: \"{{decide_result}}\"");
    }
    Request request = Request.cmd(Command.SET).arg(key).arg(Template.render(template, context));
    JsonNode ttl = node.field("ttl_s");
    if (ttl != null && !ttl.isNull()) {
      if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.longValue() < 1) {
        throw new LogicGraphException(
            ErrorCode.E004,
            "ttl_s of node '" + nodeId + "' must be a positive integer",
            false,
            null);
      }
      request.arg("EX").arg(ttl.longValue());
    }
    return request;
  }

  private static ObjectNode output(String nodeId, String operation, Response response) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonNode result =
        switch (operation) {
          case "GET" -> response == null ? nodes.nullNode() : decode(response);
          case "SET" -> nodes.booleanNode(true);
          case "DEL" -> nodes.numberNode(response.toLong());
          default -> nodes.booleanNode(response.toLong() > 0);
        };
    ObjectNode output = nodes.objectNode();
    output.set(nodeId + "_result", result);
    return output;
  }

  /** A stored value as JSON when it is a JSON text, else as the string it is. */
  static JsonNode decode(Response response) {
    String text = new String(response.toBytes(), StandardCharsets.UTF_8);
    try {
      JsonNode parsed = JSON.readTree(text);
      if (parsed != null && !parsed.isMissingNode()) {
        return parsed;
      }
    } catch (JsonProcessingException e) {
      // Not JSON: the string itself.
    }
    return JsonNodeFactory.instance.textNode(text);
  }

  private LogicGraphException timeout(String operation, long timeoutMs) {
    return new LogicGraphException(
        ErrorCode.E005,
        operation + " on datasource '" + settings.name() + "' exceeded " + timeoutMs + " ms",
        true,
        "raise the node's timeout_ms or the datasource timeout");
  }

  /** Error replies are permanent unless the server says it cannot answer now. */
  LogicGraphException classify(Throwable failure) {
    String name = settings.name();
    String reason = settings.redact(failure.getMessage() == null ? "" : failure.getMessage());
    if (failure instanceof ErrorType reply) {
      if (reply.is("NOAUTH") || reply.is("WRONGPASS")) {
        return new LogicGraphException(
            ErrorCode.E004,
            "datasource '" + name + "' refused the connection: " + reason,
            false,
            "check the datasource's URL and credentials (DATASOURCE_"
                + name.toUpperCase(Locale.ROOT)
                + "_URL)");
      }
      if (UNAVAILABLE.stream().anyMatch(reply::is)) {
        return new LogicGraphException(
            ErrorCode.E002, "datasource '" + name + "' is unavailable: " + reason, true, null);
      }
      return new LogicGraphException(ErrorCode.E001, "Redis answered: " + reason, false, null);
    }
    if (reason.isEmpty()) {
      reason = "connection failed";
    }
    return new LogicGraphException(
        ErrorCode.E002,
        "datasource '" + name + "' is unreachable: " + reason,
        true,
        "check that Redis is up");
  }

  @Override
  public Uni<Void> ping(Duration timeout) {
    return redis.send(Request.cmd(Command.PING)).replaceWithVoid().ifNoItem().after(timeout).fail();
  }

  @Override
  public Uni<Void> close() {
    redis.close();
    return Uni.createFrom().voidItem();
  }
}
