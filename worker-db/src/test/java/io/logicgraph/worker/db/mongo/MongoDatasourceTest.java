package io.logicgraph.worker.db.mongo;

import static io.logicgraph.worker.db.NodeTasks.expectError;
import static io.logicgraph.worker.db.NodeTasks.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.worker.db.DatasourceSettings;
import io.logicgraph.worker.db.NodeTasks;
import io.logicgraph.worker.db.messaging.DbTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

/**
 * MongoDatasource against a real MongoDB wire-protocol server (mongo-java-server, in memory, in
 * this JVM). Each test works on a collection of its own.
 */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class MongoDatasourceTest {
  private static final ObjectId ORDER_ID = new ObjectId("65f1a2b3c4d5e6f708192a3b");

  private static MongoDatasource mongo;
  private static MongoClient raw;

  private String collection;

  @BeforeEach
  void open() {
    if (mongo == null) {
      mongo = datasource("mongo_db", url(), 1000);
      raw = MongoClients.create(url());
    }
    collection = "c" + UUID.randomUUID().toString().replace("-", "");
  }

  @AfterAll
  static void close() {
    raw.close();
    mongo.close().await().indefinitely();
    mongo = null;
  }

  @Test
  void findReturnsDocumentsWithFaithfulTypes() {
    insert(
        new Document("_id", ORDER_ID)
            .append("customer", "c-1")
            .append("qty", 3)
            .append("big", 9007199254740993L)
            .append("price", 2.5)
            .append("total", new Decimal128(new BigDecimal("12.30")))
            .append("open", true)
            .append("placed_at", Date.from(java.time.Instant.parse("2024-03-01T10:00:00.123Z")))
            .append("lines", List.of(new Document("sku", "A").append("n", 1)))
            .append("note", null)
            .append("blob", new Binary(new byte[] {0, (byte) 0xff})));

    ObjectNode out =
        run("orders", find("{'customer': '{{customer}}'}"), json("{'customer': 'c-1'}"));
    assertThat(out.get("orders_count").intValue()).isEqualTo(1);
    assertThat(out.has("orders_truncated")).isFalse();
    JsonNode doc = out.get("orders_result").get(0);
    assertThat(doc.get("_id").textValue()).isEqualTo("65f1a2b3c4d5e6f708192a3b");
    assertThat(doc.get("qty").isInt()).isTrue();
    assertThat(doc.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(doc.get("price").doubleValue()).isEqualTo(2.5);
    assertThat(doc.get("total").isBigDecimal()).isTrue();
    assertThat(doc.get("total").decimalValue()).isEqualByComparingTo("12.30");
    assertThat(doc.get("open").booleanValue()).isTrue();
    assertThat(doc.get("placed_at").textValue()).isEqualTo("2024-03-01T10:00:00.123Z");
    assertThat(doc.get("lines").toString()).isEqualTo("[{\"sku\":\"A\",\"n\":1}]");
    assertThat(doc.get("note").isNull()).isTrue();
    assertThat(doc.get("blob").textValue()).isEqualTo("AP8=");

    // Extended JSON in the template takes substituted values: a date range from the context.
    ObjectNode since =
        run(
            "recent",
            find("{'placed_at': {'$gte': {'$date': '{{since}}'}}}"),
            json("{'since': '2024-03-01T09:00:00Z'}"));
    assertThat(since.get("recent_count").intValue()).isEqualTo(1);
    ObjectNode later =
        run(
            "recent",
            find("{'placed_at': {'$gte': {'$date': '{{since}}'}}}"),
            json("{'since': '2024-03-02T00:00:00Z'}"));
    assertThat(later.get("recent_count").intValue()).isZero();
    expectError(
        () -> run("byid", find("{'_id': {'$oid': '{{id}}'}}"), json("{'id': 'not-an-object-id'}")),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("filter of node 'byid'"));
  }

  @Test
  void placeholdersAreJsonValuesNeverQuerySyntax() {
    insert(
        new Document("name", "ann").append("qty", 20),
        new Document("name", "bob").append("qty", "20"),
        new Document("name", "{\"$ne\": null}").append("qty", 1));
    ObjectNode context =
        json("{'min': 20, 'name': 'ann', 'evil': '{\\'$ne\\': null}', 'op': {'$ne': null}}");

    // A number stays a number: matches qty 20, not the string "20".
    JsonNode numeric = run("n", find("{'qty': '{{min}}'}"), context).get("n_result");
    assertThat(numeric).hasSize(1);
    assertThat(numeric.get(0).get("name").textValue()).isEqualTo("ann");
    // Operators written in the template work, with the value substituted.
    assertThat(run("n", find("{'qty': {'$gte': '{{min}}'}}"), context).get("n_count").intValue())
        .isEqualTo(1);
    // An injection-looking string is a string value: it matches only the document holding it.
    JsonNode evil = run("n", find("{'name': '{{evil}}'}"), context).get("n_result");
    assertThat(evil).hasSize(1);
    assertThat(evil.get(0).get("qty").intValue()).isEqualTo(1);
    // A context object carrying an operator is refused.
    expectError(
        () -> run("n", find("{'name': '{{op}}'}"), context),
        ErrorCode.E010,
        false,
        e -> assertThat(e.getMessage()).contains("$ne"));
  }

  @Test
  void findOneReturnsADocumentOrNull() {
    insert(new Document("_id", ORDER_ID).append("status", "open"));
    ObjectNode found =
        run(
            "one",
            op("find_one").set("filter", json("{'_id': {'$oid': '{{order_id}}'}}")),
            json("{'order_id': '65f1a2b3c4d5e6f708192a3b'}"));
    assertThat(found.get("one_result").get("status").textValue()).isEqualTo("open");
    ObjectNode none =
        run("one", op("find_one").set("filter", json("{'status': 'closed'}")), json("{}"));
    assertThat(none.toString()).isEqualTo("{\"one_result\":null}");
  }

  @Test
  void findIsCappedByLimitAndMaxRows() {
    for (int i = 0; i < 5; i++) {
      insert(new Document("i", i));
    }
    ObjectNode all = run("f", find("{}"), json("{}"));
    assertThat(all.get("f_count").intValue()).isEqualTo(5);
    assertThat(all.has("f_truncated")).isFalse();

    ObjectNode limited = run("f", find("{}").put("limit", 2), json("{}"));
    assertThat(limited.get("f_count").intValue()).isEqualTo(2);
    assertThat(limited.has("f_truncated")).isFalse();

    MongoDatasource small = datasource("small", url(), 3);
    try {
      ObjectNode capped = NodeTasks.run(small, task("f", find("{}").put("limit", 10), json("{}")));
      assertThat(capped.get("f_count").intValue()).isEqualTo(3);
      assertThat(capped.get("f_truncated").booleanValue()).isTrue();
    } finally {
      small.close().await().indefinitely();
    }
  }

  @Test
  void insertReturnsTheId() {
    ObjectNode context = json("{'order': {'sku': 'A', 'qty': 2}, 'who': 'ann'}");
    ObjectNode config = op("insert");
    config.set("document", json("{'order': '{{order}}', 'by': 'user {{who}}'}"));
    JsonNode id = run("ins", config, context).get("ins_result").get("inserted_id");
    assertThat(id.textValue()).matches("[0-9a-f]{24}");

    Document stored = first(collection().find(new Document("_id", new ObjectId(id.textValue()))));
    assertThat(stored.get("order", Document.class).getInteger("qty")).isEqualTo(2);
    assertThat(stored.getString("by")).isEqualTo("user ann");

    config.set("document", json("{'_id': 'order-{{who}}'}"));
    assertThat(run("ins", config, context).toString())
        .isEqualTo("{\"ins_result\":{\"inserted_id\":\"order-ann\"}}");
    expectError(
        () -> run("ins", config, context),
        ErrorCode.E001,
        false,
        e -> assertThat(e.getMessage()).contains("11000"));
  }

  @Test
  void updateWrapsPlainFieldsInSetAndKeepsOperators() {
    insert(
        new Document("sku", "A").append("qty", 1).append("name", "first"),
        new Document("sku", "A").append("qty", 5).append("name", "second"),
        new Document("sku", "B").append("qty", 9));
    ObjectNode config = op("update");
    config.set("filter", json("{'sku': '{{sku}}'}"));
    config.set("document", json("{'status': '{{status}}'}"));
    ObjectNode context = json("{'sku': 'A', 'status': 'held', 'n': 10}");
    assertThat(run("u", config, context).toString())
        .isEqualTo("{\"u_result\":{\"matched\":2,\"modified\":2}}");
    Document first = first(collection().find(new Document("name", "first")));
    assertThat(first.getString("status")).isEqualTo("held");
    assertThat(first.getInteger("qty")).isEqualTo(1);

    config.set("document", json("{'$inc': {'qty': '{{n}}'}}"));
    run("u", config, context);
    assertThat(first(collection().find(new Document("name", "second"))).getInteger("qty"))
        .isEqualTo(15);

    config.set("document", json("{'$inc': {'qty': 1}, 'status': 'x'}"));
    expectError(
        () -> run("u", config, context),
        ErrorCode.E004,
        false,
        e -> assertThat(e.getMessage()).contains("mixes"));
  }

  @Test
  void deleteCountsDeletedDocuments() {
    insert(new Document("k", 1), new Document("k", 1), new Document("k", 2));
    ObjectNode config = op("delete");
    config.set("filter", json("{'k': '{{k}}'}"));
    assertThat(run("d", config, json("{'k': 1}")).toString())
        .isEqualTo("{\"d_result\":{\"deleted\":2}}");
  }

  @Test
  void configurationErrorsAreE004() {
    ObjectNode sql = json("{'database': 'mongo_db', 'query': 'SELECT 1'}");
    expectError(
        () -> NodeTasks.run(mongo, NodeTasks.task("x", NodeType.DB, sql, json("{}"))),
        ErrorCode.E004,
        false,
        e -> assertThat(e.hint()).contains("MongoNode"));
    expectError(
        () -> run("x", op("delete"), json("{}")),
        ErrorCode.E004,
        false,
        e -> assertThat(e.getMessage()).contains("no filter"));
  }

  @Test
  void unreachableMongoIsRetryableE002WithoutSecrets() {
    MongoDatasource down =
        datasource("down_docs", "mongodb://app:pw-do-not-leak@127.0.0.1:1/db", 10);
    try {
      expectError(
          () -> NodeTasks.run(down, task("f", find("{}"), json("{}"))),
          ErrorCode.E002,
          true,
          e -> assertThat(e.getMessage()).contains("down_docs").doesNotContain("pw-do-not-leak"));
    } finally {
      down.close().await().indefinitely();
    }
  }

  private MongoCollection<Document> collection() {
    return raw.getDatabase(URI.create(url()).getPath().substring(1)).getCollection(collection);
  }

  private void insert(Document... documents) {
    first(collection().insertMany(List.of(documents)));
  }

  private static <T> T first(Publisher<T> publisher) {
    return Multi.createFrom()
        .publisher(AdaptersToFlow.publisher(publisher))
        .toUni()
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private static MongoDatasource datasource(String name, String url, int maxRows) {
    return new MongoDatasource(
        new DatasourceSettings(name, "mongo", URI.create(url), 2, 5000), maxRows, 1500);
  }

  private static String url() {
    return ConfigProvider.getConfig().getValue("test.mongo-url", String.class);
  }

  private ObjectNode op(String operation) {
    return json("{'database': 'mongo_db'}")
        .put("collection", collection)
        .put("operation", operation);
  }

  private ObjectNode find(String filter) {
    ObjectNode config = op("find");
    config.set("filter", json(filter));
    return config;
  }

  private static ObjectNode run(String nodeId, ObjectNode config, ObjectNode context) {
    return NodeTasks.run(mongo, task(nodeId, config, context));
  }

  private static NodeTask task(String nodeId, ObjectNode config, ObjectNode context) {
    return NodeTasks.task(nodeId, NodeType.MONGO, config, context);
  }
}
