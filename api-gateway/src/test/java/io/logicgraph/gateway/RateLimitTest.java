package io.logicgraph.gateway;

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
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant {@code flood} may send 3 requests at once, then one every 5 s (a per-tenant override in
 * the test profile); every other tenant has the generous suite default. The flood is refused with
 * 429 while the other tenant's requests all pass, and a refused request stores nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class RateLimitTest {
  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject AgroalDataSource database;

  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
  }

  @BeforeEach
  void noDefaultKey() {
    Fixtures.withoutTestKey();
  }

  @AfterEach
  void restoreDefaultKey() {
    Fixtures.useTestKey();
  }

  @Test
  void oneTenantsFloodIsRefusedWhileAnotherTenantIsServed() {
    String flood = createKey("flood");
    String calm = createKey("calm-" + UUID.randomUUID().toString().substring(0, 8));
    Sql sql = new Sql(database);

    List<Integer> floodStatuses = new ArrayList<>();
    List<Integer> calmStatuses = new ArrayList<>();
    Response limited = null;
    for (int i = 0; i < 12; i++) {
      Response answer = given().header("X-API-Key", flood).get(GRAPHS);
      floodStatuses.add(answer.statusCode());
      if (answer.statusCode() == 429) {
        limited = answer;
      }
      calmStatuses.add(given().header("X-API-Key", calm).get(GRAPHS).statusCode());
    }
    // (the bucket may be partly drained already: by another test, or another run on this Redis)
    assertThat(floodStatuses).isSubsetOf(200, 429).contains(429);
    assertThat(floodStatuses.stream().filter(s -> s == 200)).hasSizeLessThanOrEqualTo(4);
    assertThat(calmStatuses).containsOnly(200);

    assertProblem(limited, 429, "E011");
    assertThat(limited.<String>path("type")).isEqualTo("urn:logic-graph:problem:rate-limited");
    int retryAfter = Integer.parseInt(limited.header("Retry-After"));
    assertThat(retryAfter).isBetween(1, 5);

    // still limited: a write is refused before anything is stored
    long graphs = sql.count("SELECT count(*) FROM graph_definitions WHERE tenant_id = 'flood'");
    Response refused =
        given()
            .header("X-API-Key", flood)
            .contentType("application/yaml")
            .body(graph("order-review.yaml"))
            .post(GRAPHS);
    assertProblem(refused, 429, "E011");
    assertThat(sql.count("SELECT count(*) FROM graph_definitions WHERE tenant_id = 'flood'"))
        .isEqualTo(graphs);
  }

  @Test
  void refusalsAreCountedInTheMetrics() {
    String flood = createKey("flood");
    for (int i = 0; i < 6; i++) {
      given().header("X-API-Key", flood).get(GRAPHS);
    }
    String metrics = given().baseUri(management.toString()).get("metrics").asString();
    assertThat(metrics).contains("lgf_rate_limit_rejected_total");
    assertThat(metrics).contains("lgf_rate_limit_unchecked_total");
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
