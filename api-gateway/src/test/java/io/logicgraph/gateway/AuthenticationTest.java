package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.EXECUTIONS;
import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.assertProblem;
import static io.logicgraph.gateway.Fixtures.graph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.logicgraph.gateway.auth.ApiKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@code /api/v1} call needs an API key or a JWT; one 401 answer for every kind of bad
 * credential; keys are made, listed and revoked on the management port and stored only hashed; the
 * bootstrap key is idempotent; JWTs are checked for signature, issuer, audience, expiry and tenant
 * claim.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class AuthenticationTest {
  static final String ADMIN_TOKEN = "test-admin-token";

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject AgroalDataSource database;
  @Inject ApiKeys keys;

  private Sql sql;

  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
  }

  @BeforeEach
  void noDefaultKey() {
    Fixtures.withoutTestKey();
    sql = new Sql(database);
  }

  @AfterEach
  void restoreDefaultKey() {
    Fixtures.useTestKey();
  }

  /** Every endpoint of the API, with a path that would exist. */
  static final List<Function<RequestSpecification, Response>> ENDPOINTS =
      List.of(
          r -> r.get(GRAPHS),
          r -> r.contentType("application/yaml").body(graph("order-review.yaml")).post(GRAPHS),
          r -> r.get(GRAPHS + "/" + UUID.randomUUID()),
          r ->
              r.contentType("application/yaml")
                  .body(graph("order-review.yaml"))
                  .put(GRAPHS + "/" + UUID.randomUUID()),
          r -> r.delete(GRAPHS + "/" + UUID.randomUUID()),
          r ->
              r.contentType("application/yaml")
                  .body(graph("order-review.yaml"))
                  .post(GRAPHS + "/validate"),
          r -> r.contentType(ContentType.JSON).post(GRAPHS + "/" + UUID.randomUUID() + "/execute"),
          r -> r.get(GRAPHS + "/" + UUID.randomUUID() + "/status"),
          r -> r.get(GRAPHS + "/" + UUID.randomUUID() + "/results"),
          r -> r.get(GRAPHS + "/" + UUID.randomUUID() + "/executions"),
          r -> r.get(EXECUTIONS + "/" + UUID.randomUUID()),
          r -> r.get(EXECUTIONS + "/" + UUID.randomUUID() + "/results"),
          r -> r.accept("text/event-stream").get(EXECUTIONS + "/" + UUID.randomUUID() + "/events"),
          r -> r.post(EXECUTIONS + "/" + UUID.randomUUID() + "/cancel"),
          r -> r.post(EXECUTIONS + "/" + UUID.randomUUID() + "/retry"),
          r -> r.get("/api/v1/no-such-resource"));

  @Test
  void everyApiCallWithoutCredentialsIs401AndStoresNothing() {
    long graphs = sql.count("SELECT count(*) FROM graph_definitions");
    long executions = sql.count("SELECT count(*) FROM graph_executions");
    for (Function<RequestSpecification, Response> endpoint : ENDPOINTS) {
      assertUnauthorized(endpoint.apply(given()));
    }
    assertThat(sql.count("SELECT count(*) FROM graph_definitions")).isEqualTo(graphs);
    assertThat(sql.count("SELECT count(*) FROM graph_executions")).isEqualTo(executions);
  }

  @Test
  void unknownMalformedEmptyAndOverlongKeysGetTheSameAnswerAsNoKey() {
    String none = unauthorizedBody(given().get(GRAPHS));
    String unknownWellFormed =
        "lgf_abcdefghijkl_" + "A".repeat(43); // the shape of a real key, but never issued
    for (String key : List.of(unknownWellFormed, "nonsense", "", " ", "x".repeat(5000))) {
      Response response = given().header("X-API-Key", key).get(GRAPHS);
      assertThat(unauthorizedBody(response)).as("answer to key %s", key).isEqualTo(none);
    }
    // a wrong scheme or a token that is not a JWT is the same 401
    assertUnauthorized(given().header("Authorization", "Basic dXNlcjpwYXNz").get(GRAPHS));
    assertUnauthorized(given().header("Authorization", "Bearer not-a-jwt").get(GRAPHS));
  }

  @Test
  void theBootstrapKeyWorksAndEnsuringItAgainChangesNothing() {
    given().header("X-API-Key", Fixtures.API_KEY).get(GRAPHS).then().statusCode(200);
    long before = sql.count("SELECT count(*) FROM api_keys");
    keys.ensure(Fixtures.API_KEY, Fixtures.TENANT, "bootstrap")
        .await()
        .atMost(Duration.ofSeconds(10));
    assertThat(sql.count("SELECT count(*) FROM api_keys")).isEqualTo(before);
    // stored only as its SHA-256 digest
    assertThat(
            sql.count(
                "SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to(?, 'UTF8'))",
                Fixtures.API_KEY))
        .isEqualTo(1);
    assertThat(
            sql.count(
                "SELECT count(*) FROM api_keys WHERE encode(key_hash, 'escape') LIKE ?",
                "%" + Fixtures.API_KEY + "%"))
        .isZero();
  }

  @Test
  void healthMetricsAndOpenApiStayOpen() {
    given().get("/health").then().statusCode(200);
    given().get("/ready").then().statusCode(200);
    given().get("/openapi").then().statusCode(200);
    given().baseUri(management.toString()).get("health").then().statusCode(200);
    given().baseUri(management.toString()).get("ready").then().statusCode(200);
    given().baseUri(management.toString()).get("metrics").then().statusCode(200);
  }

  @Test
  void anOperatorMakesListsAndRevokesKeysOnTheManagementPort() {
    String tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
    Response created =
        admin()
            .contentType(ContentType.JSON)
            .body(Map.of("tenant", tenant, "name", "ci pipeline"))
            .post("admin/api-keys");
    assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
    String key = created.path("key");
    String id = created.path("id");
    assertThat(key).startsWith("lgf_" + id + "_").hasSize(4 + 12 + 1 + 43);
    assertThat(created.<String>path("tenant")).isEqualTo(tenant);
    assertThat(created.<String>path("name")).isEqualTo("ci pipeline");

    // the key works, for its tenant
    given().header("X-API-Key", key).get(GRAPHS).then().statusCode(200);
    assertThat(
            sql.row("SELECT tenant_id, last_used_at FROM api_keys WHERE id = ?", id)
                .get("last_used_at"))
        .isNotNull();

    // listed without any secret
    Response listed = admin().queryParam("tenant", tenant).get("admin/api-keys");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.<List<String>>path("items.id")).containsExactly(id);
    assertThat(listed.asString()).doesNotContain(key).doesNotContain(key.substring(17));
    assertThat(admin().get("admin/api-keys").<List<String>>path("items.id")).contains(id);

    // revoked: refused at once by this gateway, with the same 401 as an unknown key
    admin().delete("admin/api-keys/" + id).then().statusCode(204);
    assertUnauthorized(given().header("X-API-Key", key).get(GRAPHS));
    admin().delete("admin/api-keys/" + id).then().statusCode(204);
    assertProblem(admin().delete("admin/api-keys/nosuchkey"), 404, "E004");
    assertThat(
            admin()
                .queryParam("tenant", tenant)
                .get("admin/api-keys")
                .<String>path("items[0].revoked_at"))
        .isNotNull();
  }

  @Test
  void aRevocationByAnotherReplicaTakesEffectWithinTheCachePeriod() {
    String key = createKey("other-" + UUID.randomUUID().toString().substring(0, 8));
    given().header("X-API-Key", key).get(GRAPHS).then().statusCode(200); // now cached
    // another gateway process revokes: only the shared table changes, not this process' cache
    sql.update(
        "UPDATE api_keys SET revoked_at = now() WHERE key_hash = sha256(convert_to(?, 'UTF8'))",
        key);
    // gateway.auth.key-cache-ttl is 2 s in the test profile: refused by then at the latest
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> given().header("X-API-Key", key).get(GRAPHS).statusCode() == 401);
  }

  @Test
  void theAdminEndpointsNeedTheAdminToken() {
    assertProblem(given().baseUri(management.toString()).get("admin/api-keys"), 401, "E007");
    assertProblem(
        given()
            .baseUri(management.toString())
            .header("Authorization", "Bearer wrong")
            .get("admin/api-keys"),
        401,
        "E007");
    // the API port has no admin endpoints, whatever the credentials
    assertThat(
            given()
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("X-API-Key", Fixtures.API_KEY)
                .get("/admin/api-keys")
                .statusCode())
        .isEqualTo(404);
    long keysBefore = sql.count("SELECT count(*) FROM api_keys");
    Response invalid =
        admin()
            .contentType(ContentType.JSON)
            .body(Map.of("tenant", "bad tenant!", "colour", "blue"))
            .post("admin/api-keys");
    assertProblem(invalid, 400, "E007");
    assertThat(invalid.<List<String>>path("errors.path")).contains("tenant", "colour");
    assertThat(sql.count("SELECT count(*) FROM api_keys")).isEqualTo(keysBefore);
  }

  // ------------------------------------------------------------------ JWT

  @Test
  void aValidJwtActsForItsTenantClaim() {
    String tenant = "jwt-" + UUID.randomUUID().toString().substring(0, 8);
    String token = TestTokens.sign(TestTokens.claims(tenant));
    String id =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/yaml")
            .body(graph("order-review.yaml"))
            .post(GRAPHS)
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    assertThat(sql.row("SELECT tenant_id FROM graph_definitions WHERE id = ?::uuid", id))
        .containsEntry("tenant_id", tenant);
    given()
        .header("Authorization", "Bearer " + token)
        .get(GRAPHS + "/" + id)
        .then()
        .statusCode(200);
    // the bootstrap key's tenant does not see it
    assertProblem(
        given().header("X-API-Key", Fixtures.API_KEY).get(GRAPHS + "/" + id), 404, "E004");
  }

  @Test
  void badJwtsAreRefusedWithTheSame401() {
    String tenant = "jwt-bad";
    List<String> tokens =
        List.of(
            TestTokens.sign(TestTokens.claims(null)), // no tenant claim
            TestTokens.sign(TestTokens.claims(tenant).claim("tenant", 42)), // not a string
            TestTokens.sign(TestTokens.claims("spaces are not allowed")),
            TestTokens.sign(TestTokens.claims(tenant).issuer("https://someone.else")),
            TestTokens.sign(TestTokens.claims(tenant).audience("another-api")),
            TestTokens.sign(
                TestTokens.claims(tenant)
                    .issuedAt(java.time.Instant.now().minusSeconds(3600))
                    .expiresAt(java.time.Instant.now().minusSeconds(600))), // expired
            TestTokens.signWithStrangerKey(TestTokens.claims(tenant)));
    long graphs = sql.count("SELECT count(*) FROM graph_definitions");
    for (String token : tokens) {
      assertUnauthorized(
          given()
              .header("Authorization", "Bearer " + token)
              .contentType("application/yaml")
              .body(graph("order-review.yaml"))
              .post(GRAPHS));
    }
    assertThat(sql.count("SELECT count(*) FROM graph_definitions")).isEqualTo(graphs);
  }

  // ------------------------------------------------------------------ helpers

  private RequestSpecification admin() {
    return given().baseUri(management.toString()).header("Authorization", "Bearer " + ADMIN_TOKEN);
  }

  /** A new key of the tenant, made on the management port. */
  String createKey(String tenant) {
    return admin()
        .contentType(ContentType.JSON)
        .body(Map.of("tenant", tenant))
        .post("admin/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }

  static void assertUnauthorized(Response response) {
    assertProblem(response, 401, "E007");
    assertThat(response.header("WWW-Authenticate")).contains("X-API-Key").contains("Bearer");
    assertThat(response.<String>path("type")).isEqualTo("urn:logic-graph:problem:unauthorized");
  }

  private static String unauthorizedBody(Response response) {
    assertUnauthorized(response);
    return response.asString();
  }
}
