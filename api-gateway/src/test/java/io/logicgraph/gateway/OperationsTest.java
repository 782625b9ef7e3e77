package io.logicgraph.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class OperationsTest {
  @BeforeAll
  static void key() {
    Fixtures.useTestKey();
  }

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Test
  void livenessAndReadinessOnTheManagementPortAndTheMainPort() {
    given()
        .baseUri(management.toString())
        .get("health")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"));
    given()
        .baseUri(management.toString())
        .get("ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(
            "checks.name",
            hasItems(
                "broker",
                "Redis connection health check",
                "Reactive PostgreSQL connections health check"));
    given().get("/health").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsOnTheManagementPortCarryTheGatewayCounterButNotTheOrchestratorsNames() {
    given().post("/api/v1/graphs/validate");
    String metrics =
        given()
            .baseUri(management.toString())
            .get("metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(metrics).contains("gateway_executions_accepted_total");
    assertThat(metrics).contains("http_server_requests_seconds");
    assertThat(metrics).doesNotContain("graph_executions_total");
  }

  @Test
  void openApiAndSwaggerUiOnTheMainPort() {
    given()
        .get("/openapi")
        .then()
        .statusCode(200)
        .body(containsString("/api/v1/graphs/{id}/execute"))
        .body(containsString("/api/v1/executions/{id}/results"))
        .body(containsString("/api/v1/executions/{id}/events"))
        .body(containsString("text/event-stream"))
        .body(containsString("/api/v1/executions/{id}/cancel"))
        .body(containsString("/api/v1/executions/{id}/retry"));
    given().get("/swagger-ui/").then().statusCode(200);
  }
}
