package io.logicgraph.worker.db.mongo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.Datasource;
import io.logicgraph.worker.db.DatasourceSettings;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInvalidOperationException;
import org.bson.json.JsonParseException;
import org.reactivestreams.Publisher;

/**
 * A MongoDB datasource ({@code mongodb://[user:password@]host:27017/database[?options]}, also
 * {@code mongodb+srv://}; the URL names the database): one non-blocking client with its own
 * connection pool. A node runs one operation on its {@code collection}: {@code find}, {@code
 * find_one}, {@code insert}, {@code update} (every matching document) or {@code delete} (every
 * matching document), with {@code filter} and {@code document} filled from the context by {@link
 * JsonTemplate}. Each operation is bounded by the datasource's time limit, lowered to fit the
 * attempt's deadline ({@code maxTimeMS} on the server for reads).
 */
public final class MongoDatasource implements Datasource {
  private static final Set<String> OPERATIONS =
      Set.of("find", "find_one", "insert", "update", "delete");

  /** Server error codes meaning "cannot answer now" (shutdown, stepdown, interrupted, ...). */
  private static final Set<Integer> UNAVAILABLE_CODES =
      Set.of(6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436);

  private static final int EXCEEDED_TIME_LIMIT = 50;
  private static final int AUTHENTICATION_FAILED = 18;

  private final DatasourceSettings settings;
  private final MongoClient client;
  private final MongoDatabase database;
  private final int maxRows;

  public MongoDatasource(DatasourceSettings settings, int maxRows, int connectTimeoutMs) {
    this.settings = settings;
    this.maxRows = maxRows;
    ConnectionString url;
    try {
      url = new ConnectionString(settings.url().toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "datasource '" + settings.name() + "': " + settings.redact(e.getMessage()));
    }
    if (url.getDatabase() == null || url.getDatabase().isBlank()) {
      throw new IllegalArgumentException(
          "datasource '"
              + settings.name()
              + "': a MongoDB URL must name the database, e.g. mongodb://host:27017/orders");
    }
    // The operator's pool size and the worker's connect limit, unless the URL sets its own.
    MongoClientSettings clientSettings =
        MongoClientSettings.builder()
            .applicationName("logic-graph worker-db")
            .applyToConnectionPoolSettings(
                pool ->
                    pool.maxSize(settings.poolSize())
                        .maxWaitTime(connectTimeoutMs, TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                socket -> socket.connectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS))
            .applyToClusterSettings(
                cluster -> cluster.serverSelectionTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS))
            .applyConnectionString(url)
            .build();
    this.client = MongoClients.create(clientSettings);
    this.database = client.getDatabase(url.getDatabase());
  }

  @Override
  public DatasourceSettings settings() {
    return settings;
  }

  @Override
  public Uni<ObjectNode> execute(NodeTask task, Instant deadline) {
    String nodeId = task.nodeId();
    NodeDefinition node = task.node();
    String operation = operation(nodeId, node);
    MongoCollection<BsonDocument> collection = collection(nodeId, node);
    long timeoutMs = settings.budgetMs(deadline);
    Uni<ObjectNode> output =
        switch (operation) {
          case "find" -> find(task, collection, timeoutMs);
          case "find_one" ->
              one(collection
                      .find(filter(task, false))
                      .maxTime(timeoutMs, TimeUnit.MILLISECONDS)
                      .first())
                  .map(found -> result(nodeId, found == null ? null : BsonJson.toJson(found)));
          case "insert" ->
              one(collection.insertOne(document(task)))
                  .map(
                      inserted ->
                          result(
                              nodeId,
                              JsonNodeFactory.instance
                                  .objectNode()
                                  .set("inserted_id", BsonJson.toJson(inserted.getInsertedId()))));
          case "update" ->
              one(collection.updateMany(filter(task, true), update(task)))
                  .map(
                      updated ->
                          result(
                              nodeId,
                              JsonNodeFactory.instance
                                  .objectNode()
                                  .put("matched", updated.getMatchedCount())
                                  .put("modified", updated.getModifiedCount())));
          default ->
              one(collection.deleteMany(filter(task, true)))
                  .map(
                      deleted ->
                          result(
                              nodeId,
                              JsonNodeFactory.instance
                                  .objectNode()
                                  .put("deleted", deleted.getDeletedCount())));
        };
    return output
        .ifNoItem()
        .after(Duration.ofMillis(timeoutMs))
        .failWith(() -> timeout(operation, timeoutMs))
        .onFailure(e -> !(e instanceof LogicGraphException))
        .transform(e -> classify(e, timeoutMs));
  }

  private static ObjectNode result(String nodeId, JsonNode value) {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.set(nodeId + "_result", value == null ? JsonNodeFactory.instance.nullNode() : value);
    return output;
  }

  /**
   * {@code find}: at most {@code limit} documents, and never more than the worker's max rows; when
   * the cap (not the node's own limit) cut the result, {@code <id>_truncated: true}.
   */
  private Uni<ObjectNode> find(
      NodeTask task, MongoCollection<BsonDocument> collection, long timeoutMs) {
    String nodeId = task.nodeId();
    JsonNode limitField = task.node().field("limit");
    Integer limit = null;
    if (limitField != null && !limitField.isNull()) {
      if (!limitField.canConvertToInt() || limitField.intValue() < 1) {
        throw new LogicGraphException(
            ErrorCode.E004,
            "limit of node '" + nodeId + "' must be a positive integer",
            false,
            null);
      }
      limit = limitField.intValue();
    }
    int wanted = limit == null ? maxRows : Math.min(limit, maxRows);
    boolean capped = limit == null || limit > maxRows;
    int fetch = capped ? wanted + 1 : wanted;
    Publisher<BsonDocument> documents =
        collection
            .find(filter(task, false))
            .limit(fetch)
            .batchSize(Math.min(fetch, 1000))
            .maxTime(timeoutMs, TimeUnit.MILLISECONDS);
    return Multi.createFrom()
        .publisher(AdaptersToFlow.publisher(documents))
        .collect()
        .asList()
        .map(
            found -> {
              ArrayNode rows = JsonNodeFactory.instance.arrayNode();
              found.stream().limit(wanted).forEach(doc -> rows.add(BsonJson.toJson(doc)));
              ObjectNode output = JsonNodeFactory.instance.objectNode();
              output.set(nodeId + "_result", rows);
              output.put(nodeId + "_count", rows.size());
              if (found.size() > wanted) {
                output.put(nodeId + "_truncated", true);
              }
              return output;
            });
  }

  private static <T> Uni<T> one(Publisher<T> publisher) {
    return Uni.createFrom().publisher(AdaptersToFlow.publisher(publisher));
  }

  private String operation(String nodeId, NodeDefinition node) {
    String operation = node.text("operation");
    if (operation == null || operation.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node '"
              + nodeId
              + "' has no operation, but datasource '"
              + settings.name()
              + "' is a MongoDB database",
          false,
          "use a MongoNode (collection, operation, filter, document, limit) for Mongo datasources");
    }
    operation = operation.toLowerCase(Locale.ROOT);
    if (!OPERATIONS.contains(operation)) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "operation '"
              + operation
              + "' of node '"
              + nodeId
              + "' is not find, find_one, insert, update or delete",
          false,
          null);
    }
    return operation;
  }

  private MongoCollection<BsonDocument> collection(String nodeId, NodeDefinition node) {
    String name = node.text("collection");
    if (name == null || name.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004, "node '" + nodeId + "' has no collection", false, null);
    }
    try {
      return database.getCollection(name, BsonDocument.class);
    } catch (IllegalArgumentException e) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "collection '" + name + "' of node '" + nodeId + "' is not a valid collection name",
          false,
          "a collection name is not empty and holds no '$' or NUL character");
    }
  }

  /** The filled filter; {@code {}} (every document) when absent and not required. */
  private static BsonDocument filter(NodeTask task, boolean required) {
    JsonNode filter = task.node().field("filter");
    if (filter == null || filter.isNull()) {
      if (required) {
        throw new LogicGraphException(
            ErrorCode.E004,
            "node '" + task.nodeId() + "' has no filter",
            false,
            "update and delete need a filter; {} matches every document");
      }
      return new BsonDocument();
    }
    return bson(task, filter, "filter");
  }

  private static BsonDocument document(NodeTask task) {
    JsonNode document = task.node().field("document");
    if (document == null || document.isNull()) {
      throw new LogicGraphException(
          ErrorCode.E004, "node '" + task.nodeId() + "' has no document", false, null);
    }
    return bson(task, document, "document");
  }

  /**
   * The update of an {@code update} node: a document whose keys are all operators ({@code $set},
   * {@code $inc}, ...) is used as written; a document without operators is applied with {@code
   * $set}, changing only the fields it names. Mixing both is refused.
   */
  private static BsonDocument update(NodeTask task) {
    BsonDocument document = document(task);
    if (document.isEmpty()) {
      throw new LogicGraphException(
          ErrorCode.E004, "document of update node '" + task.nodeId() + "' is empty", false, null);
    }
    long operators = document.keySet().stream().filter(key -> key.startsWith("$")).count();
    if (operators == document.size()) {
      return document;
    }
    if (operators > 0) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "document of update node '"
              + task.nodeId()
              + "' mixes update operators with plain fields",
          false,
          "either only fields (applied with $set) or only operators such as $set, $inc, $unset");
    }
    return new BsonDocument("$set", document);
  }

  /**
   * A filter or document: the node's JSON filled from the context, read as MongoDB extended JSON
   * (so the template may write {@code {"$oid": "{{order_id}}"}} or {@code {"$date": ...}}).
   */
  private static BsonDocument bson(NodeTask task, JsonNode template, String field) {
    if (!template.isObject()) {
      throw new LogicGraphException(
          ErrorCode.E004,
          field + " of node '" + task.nodeId() + "' must be a JSON object",
          false,
          null);
    }
    ObjectNode filled =
        JsonTemplate.fill((ObjectNode) template, task.context(), task.nodeId(), field);
    try {
      return BsonDocument.parse(filled.toString());
    } catch (JsonParseException | BsonInvalidOperationException | IllegalArgumentException e) {
      throw new LogicGraphException(
          ErrorCode.E010,
          field
              + " of node '"
              + task.nodeId()
              + "' is not valid MongoDB JSON once filled from the context: "
              + e.getMessage(),
          false,
          "check the values substituted into extended JSON such as {\"$oid\": ...}");
    }
  }

  private LogicGraphException timeout(String operation, long timeoutMs) {
    return new LogicGraphException(
        ErrorCode.E005,
        operation + " on datasource '" + settings.name() + "' exceeded " + timeoutMs + " ms",
        true,
        "add an index, narrow the filter, or raise the node's timeout_ms or the datasource timeout");
  }

  /** Maps a driver failure to an error code: the server's errors are permanent. */
  LogicGraphException classify(Throwable failure, long timeoutMs) {
    String name = settings.name();
    if (failure instanceof MongoExecutionTimeoutException) {
      return timeout("operation", timeoutMs);
    }
    if (failure instanceof MongoTimeoutException || failure instanceof MongoSocketException) {
      return new LogicGraphException(
          ErrorCode.E002,
          "datasource '" + name + "' is unreachable: " + firstSentence(failure),
          true,
          "check that MongoDB is up");
    }
    if (failure instanceof MongoSecurityException) {
      return refused(name, failure);
    }
    if (failure instanceof MongoNotPrimaryException
        || failure instanceof MongoNodeIsRecoveringException
        || failure instanceof MongoWriteConcernException) {
      return new LogicGraphException(
          ErrorCode.E002,
          "datasource '" + name + "' is unavailable: " + firstSentence(failure),
          true,
          null);
    }
    if (failure instanceof MongoWriteException write) {
      return new LogicGraphException(
          ErrorCode.E001,
          settings.redact(write.getError().getMessage())
              + " (code "
              + write.getError().getCode()
              + ")",
          false,
          null);
    }
    if (failure instanceof MongoCommandException command) {
      int code = command.getErrorCode();
      if (code == EXCEEDED_TIME_LIMIT) {
        return timeout("operation", timeoutMs);
      }
      if (code == AUTHENTICATION_FAILED) {
        return refused(name, failure);
      }
      if (UNAVAILABLE_CODES.contains(code)) {
        return new LogicGraphException(
            ErrorCode.E002,
            "datasource '"
                + name
                + "' is unavailable: "
                + settings.redact(command.getErrorMessage()),
            true,
            null);
      }
      return new LogicGraphException(
          ErrorCode.E001,
          settings.redact(command.getErrorMessage()) + " (code " + code + ")",
          false,
          null);
    }
    if (failure instanceof MongoServerException server) {
      return new LogicGraphException(
          ErrorCode.E001,
          settings.redact(server.getMessage()) + " (code " + server.getCode() + ")",
          false,
          null);
    }
    return new LogicGraphException(
        ErrorCode.E002,
        "datasource '" + name + "' failed: " + firstSentence(failure),
        failure instanceof MongoException,
        null);
  }

  private LogicGraphException refused(String name, Throwable failure) {
    return new LogicGraphException(
        ErrorCode.E004,
        "datasource '" + name + "' refused the credentials: " + firstSentence(failure),
        false,
        "check the datasource's URL and credentials (DATASOURCE_"
            + name.toUpperCase(Locale.ROOT)
            + "_URL)");
  }

  /** The driver's message up to its cluster description (long, and of no use in a node error). */
  private String firstSentence(Throwable failure) {
    String message = failure.getMessage() == null ? "connection failed" : failure.getMessage();
    int cut = message.indexOf(". Client view of cluster state");
    return settings.redact(cut > 0 ? message.substring(0, cut) : message);
  }

  @Override
  public Uni<Void> ping(Duration timeout) {
    return one(database.runCommand(new BsonDocument("ping", new BsonInt32(1))))
        .replaceWithVoid()
        .ifNoItem()
        .after(timeout)
        .fail();
  }

  @Override
  public Uni<Void> close() {
    client.close();
    return Uni.createFrom().voidItem();
  }
}
