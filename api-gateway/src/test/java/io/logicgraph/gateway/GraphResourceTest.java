package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.assertProblem;
import static io.logicgraph.gateway.Fixtures.createYamlGraph;
import static io.logicgraph.gateway.Fixtures.graph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class GraphResourceTest {
  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
    Fixtures.useTestKey();
  }

  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

  @Test
  void storesAYamlGraphAndReadsBackItsNormalizedDefinition() {
    Response created =
        given().contentType("application/yaml").body(graph("order-review.yaml")).post(GRAPHS);
    created.then().statusCode(201);
    String id = created.path("id");
    assertThat(UUID.fromString(id)).isNotNull();
    assertThat(created.header("Location")).endsWith(GRAPHS + "/" + id);
    assertThat(created.<String>path("name")).isEqualTo("order-review");
    assertThat(created.<Integer>path("version")).isEqualTo(1);
    assertThat(created.<String>path("created_at")).matches(TIMESTAMP);

    given()
        .get(GRAPHS + "/{id}", id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("name", equalTo("order-review"))
        .body("description", equalTo("Reviews an order before it ships"))
        .body("version", equalTo(1))
        .body("created_at", matchesPattern(TIMESTAMP))
        .body("updated_at", matchesPattern(TIMESTAMP))
        .body("definition.nodes.history.node_type", equalTo("PostgresNode"))
        .body("definition.nodes.history.config.query", endsWith("customer_id = $1"))
        .body("definition.nodes.review.node_type", equalTo("GrlNode"))
        .body("definition.edges.size()", equalTo(2));
  }

  @Test
  void storesAJsonGraphAndTheOtherYamlMediaTypes() {
    given()
        .contentType(ContentType.JSON)
        .body(graph("order-review.json"))
        .post(GRAPHS)
        .then()
        .statusCode(201)
        .body("name", equalTo("order-review-json"));
    for (String type : List.of("application/x-yaml", "text/yaml")) {
      given()
          .contentType(type)
          .body(graph("order-review.yaml"))
          .post(GRAPHS)
          .then()
          .statusCode(201);
    }
  }

  @Test
  void listsNewestFirstWithPaging() {
    long before =
        given().get(GRAPHS).then().statusCode(200).extract().<Number>path("total").longValue();
    String first = createYamlGraph("order-review.yaml");
    String second = createYamlGraph("order-review.yaml");
    String third = createYamlGraph("order-review.yaml");

    Response page = given().queryParam("limit", 2).get(GRAPHS);
    page.then().statusCode(200);
    assertThat(page.<Number>path("total").longValue()).isEqualTo(before + 3);
    assertThat(page.<List<String>>path("items.id")).containsExactly(third, second);
    Map<String, Object> item = page.path("items[0]");
    assertThat(item)
        .containsOnlyKeys("id", "name", "description", "version", "created_at", "updated_at");

    Response next = given().queryParam("limit", 2).queryParam("offset", 2).get(GRAPHS);
    assertThat(next.<List<String>>path("items.id")).first().isEqualTo(first);

    assertProblem(given().queryParam("limit", 0).get(GRAPHS), 400, "E007");
    assertProblem(given().queryParam("limit", "ten").get(GRAPHS), 400, "E007");
    assertProblem(given().queryParam("offset", -1).get(GRAPHS), 400, "E007");
  }

  @Test
  void replacingStoresANewVersionAndDeletingHidesTheGraph() {
    String id = createYamlGraph("order-review.yaml");
    String createdAt = given().get(GRAPHS + "/{id}", id).path("created_at");

    Response replaced =
        given()
            .contentType(ContentType.JSON)
            .body(graph("order-review.json"))
            .put(GRAPHS + "/{id}", id);
    replaced.then().statusCode(200).body("version", equalTo(2));
    assertThat(replaced.<String>path("name")).isEqualTo("order-review-json");
    assertThat(replaced.<String>path("created_at")).isEqualTo(createdAt);
    assertThat(Instant.parse(replaced.path("updated_at"))).isAfter(Instant.parse(createdAt));
    given().get(GRAPHS + "/{id}", id).then().statusCode(200).body("version", equalTo(2));

    assertProblem(
        given()
            .contentType("application/yaml")
            .body(graph("review-loop.yaml"))
            .put(GRAPHS + "/{id}", id),
        400,
        "E006");
    given().get(GRAPHS + "/{id}", id).then().body("version", equalTo(2));

    given().delete(GRAPHS + "/{id}", id).then().statusCode(204);
    assertProblem(given().get(GRAPHS + "/{id}", id), 404, "E004");
    assertProblem(given().delete(GRAPHS + "/{id}", id), 404, "E004");
    assertProblem(
        given()
            .contentType(ContentType.JSON)
            .body(graph("order-review.json"))
            .put(GRAPHS + "/{id}", id),
        404,
        "E004");
    assertThat(given().queryParam("limit", 100).get(GRAPHS).<List<String>>path("items.id"))
        .doesNotContain(id);
  }

  @Test
  void anInvalidGraphIsRejectedWithAllItsErrors() {
    Response rejected =
        given().contentType("application/yaml").body(graph("review-errors.yaml")).post(GRAPHS);
    assertProblem(rejected, 400, "E006");
    List<Map<String, String>> errors = rejected.path("errors");
    assertThat(errors).hasSizeGreaterThanOrEqualTo(4);
    assertThat(errors).allSatisfy(e -> assertThat(e).containsKeys("path", "message"));
    String all = errors.toString();
    assertThat(all).contains("lookup").contains("query");
    assertThat(all).contains("summarize").contains("prompt");
    assertThat(all).contains("conditon");
    assertThat(all).contains("nowhere");
  }

  @Test
  void aCycleIsRejectedNamingItsPath() {
    Response rejected =
        given().contentType("application/yaml").body(graph("review-loop.yaml")).post(GRAPHS);
    assertProblem(rejected, 400, "E006");
    assertThat(rejected.<List<String>>path("errors.message"))
        .anySatisfy(message -> assertThat(message).containsAnyOf(cycleRotations()));
  }

  @Test
  void validateAnswersTheLayersOfAValidGraph() {
    given()
        .contentType("application/yaml")
        .body(graph("order-review.yaml"))
        .post(GRAPHS + "/validate")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("errors.size()", equalTo(0))
        .body("layers", equalTo(List.of(List.of("gate"), List.of("history"), List.of("review"))));
  }

  @Test
  void validateAnswers200ForInvalidAndMalformedDocuments() {
    Response invalid =
        given()
            .contentType("application/yaml")
            .body(graph("review-errors.yaml"))
            .post(GRAPHS + "/validate");
    invalid.then().statusCode(200).contentType(ContentType.JSON).body("valid", equalTo(false));
    assertThat(invalid.<List<?>>path("errors")).hasSizeGreaterThanOrEqualTo(4);
    assertThat(invalid.<List<?>>path("layers")).isEmpty();

    Response cycle =
        given()
            .contentType("application/yaml")
            .body(graph("review-loop.yaml"))
            .post(GRAPHS + "/validate");
    cycle.then().statusCode(200).body("valid", equalTo(false));
    assertThat(cycle.<List<String>>path("errors.message"))
        .anySatisfy(message -> assertThat(message).containsAnyOf(cycleRotations()));

    Response malformed =
        given()
            .contentType(ContentType.JSON)
            .body("{\"nodes\": {\"a\": }")
            .post(GRAPHS + "/validate");
    malformed.then().statusCode(200).body("valid", equalTo(false));
    assertThat(malformed.<String>path("errors[0].message")).contains("line 1, column");
  }

  @Test
  void malformedDocumentsAre400NamingLineAndColumn() {
    Response json =
        given()
            .contentType(ContentType.JSON)
            .body("{\n  \"nodes\": {\n    \"a\": ,\n")
            .post(GRAPHS);
    assertProblem(json, 400, "E007");
    assertThat(json.<String>path("detail")).contains("line 3, column");

    Response yaml =
        given()
            .contentType("application/yaml")
            .body("nodes:\n  a: [unclosed\n  b: x\n")
            .post(GRAPHS);
    assertProblem(yaml, 400, "E007");
    assertThat(yaml.<String>path("detail")).containsPattern("line \\d+, column \\d+");

    assertProblem(given().contentType(ContentType.JSON).body("").post(GRAPHS), 400, "E007");
  }

  @Test
  void unsupportedMediaTypeIs415AndAnOversizedBodyIs413() {
    assertProblem(
        given().contentType(ContentType.TEXT).body("nodes: {}").post(GRAPHS), 415, "E007");
    assertProblem(given().contentType(ContentType.XML).body("<graph/>").post(GRAPHS), 415, "E007");

    long before = given().get(GRAPHS).<Number>path("total").longValue();
    String padding = "x".repeat(1024 * 1024);
    String huge = "{\"name\": \"huge\", \"description\": \"" + padding + "\", \"nodes\": {}}";
    assertProblem(given().contentType(ContentType.JSON).body(huge).post(GRAPHS), 413, "E007");
    assertThat(given().get(GRAPHS).<Number>path("total").longValue()).isEqualTo(before);
  }

  @Test
  void unknownAndMalformedIdsAre404And400() {
    String unknown = UUID.randomUUID().toString();
    assertProblem(given().get(GRAPHS + "/{id}", unknown), 404, "E004");
    assertProblem(given().delete(GRAPHS + "/{id}", unknown), 404, "E004");
    assertProblem(given().get(GRAPHS + "/{id}/status", unknown), 404, "E004");
    assertProblem(given().get(GRAPHS + "/{id}/executions", unknown), 404, "E004");
    assertProblem(given().post(GRAPHS + "/{id}/execute", unknown), 404, "E004");
    assertProblem(given().get(GRAPHS + "/{id}", "not-a-uuid"), 400, "E007");
    assertProblem(given().get("/api/v1/nothing-here"), 404, "E004");
  }

  private static String[] cycleRotations() {
    return new String[] {
      "review -> recheck -> approve -> review",
      "recheck -> approve -> review -> recheck",
      "approve -> review -> recheck -> approve"
    };
  }
}
