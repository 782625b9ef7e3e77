package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.EXECUTIONS;
import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.assertProblem;
import static io.logicgraph.gateway.Fixtures.graph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two tenants, each with its own key: neither sees, changes, runs, cancels or retries the other's
 * graphs and executions; every such request is the 404 of an unknown id and changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class TenantIsolationTest {
  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject AgroalDataSource database;

  private Sql sql;
  private String owner;
  private String stranger;

  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
  }

  @BeforeEach
  void twoTenants() {
    Fixtures.withoutTestKey();
    sql = new Sql(database);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    owner = createKey("owner-" + suffix);
    stranger = createKey("stranger-" + suffix);
  }

  @AfterEach
  void restoreDefaultKey() {
    Fixtures.useTestKey();
  }

  @Test
  void anotherTenantsGraphIsUnknownForEveryGraphEndpoint() {
    String graphId = create(owner);
    String executionId = execute(owner, graphId);
    Map<String, Object> graphBefore = graphRow(graphId);

    List<Response> answers =
        List.of(
            as(stranger).get(GRAPHS + "/" + graphId),
            as(stranger)
                .contentType("application/yaml")
                .body(graph("order-review.yaml"))
                .put(GRAPHS + "/" + graphId),
            as(stranger).delete(GRAPHS + "/" + graphId),
            as(stranger).contentType(ContentType.JSON).post(GRAPHS + "/" + graphId + "/execute"),
            as(stranger).get(GRAPHS + "/" + graphId + "/status"),
            as(stranger).get(GRAPHS + "/" + graphId + "/results"),
            as(stranger).get(GRAPHS + "/" + graphId + "/executions"));
    Response unknown = as(stranger).get(GRAPHS + "/" + UUID.randomUUID());
    assertProblem(unknown, 404, "E004");
    for (Response answer : answers) {
      assertProblem(answer, 404, "E004");
      assertThat(answer.<String>path("title")).isEqualTo(unknown.<String>path("title"));
    }
    // nothing the stranger did changed the graph or started anything
    assertThat(graphRow(graphId)).isEqualTo(graphBefore);
    assertThat(sql.count("SELECT count(*) FROM graph_executions WHERE graph_id = ?::uuid", graphId))
        .isEqualTo(1);
    // listings are per tenant
    assertThat(as(stranger).get(GRAPHS).<List<String>>path("items.id")).doesNotContain(graphId);
    assertThat(as(stranger).get(GRAPHS).<Integer>path("total")).isZero();
    assertThat(as(owner).get(GRAPHS).<List<String>>path("items.id")).containsExactly(graphId);
    // the owner still has everything
    as(owner).get(GRAPHS + "/" + graphId).then().statusCode(200);
    as(owner).get(EXECUTIONS + "/" + executionId).then().statusCode(200);
  }

  @Test
  void anotherTenantsExecutionIsUnknownForEveryExecutionEndpoint() {
    String graphId = create(owner);
    String executionId = execute(owner, graphId);
    // a failed execution: retry would be allowed for its owner
    sql.update(
        "UPDATE graph_executions SET status = 'failed', completed_at = now() WHERE id = ?::uuid",
        executionId);
    Map<String, Object> before = executionRow(executionId);

    assertProblem(as(stranger).get(EXECUTIONS + "/" + executionId), 404, "E004");
    assertProblem(as(stranger).get(EXECUTIONS + "/" + executionId + "/results"), 404, "E004");
    assertProblem(
        as(stranger).accept("text/event-stream").get(EXECUTIONS + "/" + executionId + "/events"),
        404,
        "E004");
    assertProblem(as(stranger).post(EXECUTIONS + "/" + executionId + "/cancel"), 404, "E004");
    assertProblem(as(stranger).post(EXECUTIONS + "/" + executionId + "/retry"), 404, "E004");

    assertThat(executionRow(executionId)).isEqualTo(before);
    as(owner).get(EXECUTIONS + "/" + executionId).then().statusCode(200);
  }

  @Test
  void theSameIdempotencyKeyInTwoTenantsStartsTwoExecutions() {
    String graphId = create(owner);
    String first =
        as(owner)
            .header("Idempotency-Key", "shared-key")
            .post(GRAPHS + "/" + graphId + "/execute")
            .path("execution_id");
    // the stranger cannot reach the owner's graph, so cannot replay the owner's execution either
    assertProblem(
        as(stranger)
            .header("Idempotency-Key", "shared-key")
            .post(GRAPHS + "/" + graphId + "/execute"),
        404,
        "E004");
    String strangersGraph = create(stranger);
    String second =
        as(stranger)
            .header("Idempotency-Key", "shared-key")
            .post(GRAPHS + "/" + strangersGraph + "/execute")
            .path("execution_id");
    assertThat(second).isNotEqualTo(first);
    assertThat(sql.row("SELECT tenant_id FROM graph_executions WHERE id = ?::uuid", second))
        .containsEntry(
            "tenant_id",
            sql.row("SELECT tenant_id FROM graph_definitions WHERE id = ?::uuid", strangersGraph)
                .get("tenant_id"));
  }

  // ------------------------------------------------------------------ helpers

  private static RequestSpecification as(String key) {
    return given().header("X-API-Key", key);
  }

  private String create(String key) {
    return as(key)
        .contentType("application/yaml")
        .body(graph("order-review.yaml"))
        .post(GRAPHS)
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private String execute(String key, String graphId) {
    return as(key)
        .contentType(ContentType.JSON)
        .body("{\"context\": {\"order\": {\"total\": 10}}}")
        .post(GRAPHS + "/" + graphId + "/execute")
        .then()
        .statusCode(202)
        .extract()
        .path("execution_id");
  }

  private Map<String, Object> graphRow(String id) {
    return sql.row(
        "SELECT tenant_id, version, definition::text, deleted_at, updated_at"
            + " FROM graph_definitions WHERE id = ?::uuid",
        id);
  }

  private Map<String, Object> executionRow(String id) {
    return sql.row(
        "SELECT tenant_id, status, updated_at, completed_at FROM graph_executions"
            + " WHERE id = ?::uuid",
        id);
  }

  private String createKey(String tenant) {
    return given()
        .baseUri(management.toString())
        .header("Authorization", "Bearer " + AuthenticationTest.ADMIN_TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("tenant", tenant))
        .post("admin/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }
}
