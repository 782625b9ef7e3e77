package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.assertProblem;
import static io.logicgraph.gateway.Fixtures.createYamlGraph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request limits of spec 04, at the gateway: each violation is answered with a precise
 * problem+json before anything is stored or published.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class RequestLimitsTest {
  @TestHTTPResource("/")
  URL api;

  @Inject AgroalDataSource database;

  private Sql sql;

  @BeforeAll
  static void setUp() {
    Fixtures.sendYamlAsText();
    Fixtures.useTestKey();
  }

  @BeforeEach
  void sql() {
    sql = new Sql(database);
  }

  @Test
  void aGraphWithMoreThan500NodesIs400AndNotStored() {
    StringBuilder nodes = new StringBuilder();
    for (int i = 0; i < 501; i++) {
      nodes.append(i == 0 ? "" : ", ").append("\"n").append(i).append("\": \"RuleNode\"");
    }
    long graphs = graphs();
    Response response =
        given()
            .contentType(ContentType.JSON)
            .body("{\"name\": \"too-many-nodes\", \"nodes\": {" + nodes + "}}")
            .post(GRAPHS);
    assertProblem(response, 400, "E006");
    assertThat(response.<List<String>>path("errors.path")).contains("nodes");
    assertThat(response.<List<String>>path("errors.message").toString()).contains("501", "500");
    assertThat(graphs()).isEqualTo(graphs);
  }

  @Test
  void aGraphWithMoreThan2000EdgesIs400AndNotStored() {
    int n = 70; // 70 nodes have 2415 forward pairs: 2001 edges without a cycle
    StringBuilder nodes = new StringBuilder();
    for (int i = 0; i < n; i++) {
      nodes.append(i == 0 ? "" : ", ").append("\"n").append(i).append("\": \"RuleNode\"");
    }
    StringBuilder edges = new StringBuilder();
    int count = 0;
    for (int i = 0; i < n && count < 2001; i++) {
      for (int j = i + 1; j < n && count < 2001; j++, count++) {
        edges.append(count == 0 ? "" : ", ");
        edges.append("{\"from\": \"n").append(i).append("\", \"to\": \"n").append(j).append("\"}");
      }
    }
    long graphs = graphs();
    Response response =
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"name\": \"too-many-edges\", \"nodes\": {"
                    + nodes
                    + "}, \"edges\": ["
                    + edges
                    + "]}")
            .post(GRAPHS);
    assertProblem(response, 400, "E006");
    assertThat(response.<List<String>>path("errors.path")).contains("edges");
    assertThat(graphs()).isEqualTo(graphs);
  }

  @Test
  void anInputContextOver256KiBIs400AndNothingIsStoredOrPublished() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    long executions = executions();
    long queued = RequestQueue.depth();
    // 262144 bytes of JSON is the limit: {"blob":"…"} with 262133 characters is one byte over
    String over = "{\"context\": {\"blob\": \"" + "y".repeat(262_145 - 11) + "\"}}";
    Response response =
        given().contentType(ContentType.JSON).body(over).post(GRAPHS + "/{id}/execute", graphId);
    assertProblem(response, 400, "E010");
    assertThat(response.<String>path("detail")).contains("262145").contains("262144");
    assertThat(executions()).isEqualTo(executions);
    assertThat(RequestQueue.depth()).isEqualTo(queued);

    // exactly at the limit is accepted
    String at = "{\"context\": {\"blob\": \"" + "y".repeat(262_144 - 11) + "\"}}";
    given()
        .contentType(ContentType.JSON)
        .body(at)
        .post(GRAPHS + "/{id}/execute", graphId)
        .then()
        .statusCode(202);
  }

  @Test
  void aChunkedBodyOver1MiBIs413ProblemAndNotStored() throws Exception {
    long graphs = graphs();
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    // no Content-Length: the body streams in chunks until it is 2 MiB, past the 1 MiB limit
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api + "api/v1/graphs"))
            .header("Content-Type", "application/json")
            .header("X-API-Key", Fixtures.API_KEY)
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () ->
                        new InputStream() {
                          private int left = 2 * 1024 * 1024;

                          @Override
                          public int read() {
                            return left-- > 0 ? ' ' : -1;
                          }

                          @Override
                          public int read(byte[] b, int off, int len) {
                            if (left <= 0) {
                              return -1;
                            }
                            int n = Math.min(len, Math.min(left, chunk.length));
                            System.arraycopy(chunk, 0, b, off, n);
                            left -= n;
                            return n;
                          }
                        }))
            .build();
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith(Fixtures.PROBLEM));
    assertThat(response.body()).contains("\"code\":\"E007\"").contains("1048576");
    assertThat(graphs()).isEqualTo(graphs);
  }

  @Test
  void aChunkedBodyUnderTheLimitIsStoredAsUsual() throws Exception {
    byte[] yaml =
        Fixtures.graph("order-review.yaml").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api + "api/v1/graphs"))
            .header("Content-Type", "application/yaml")
            .header("X-API-Key", Fixtures.API_KEY)
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(yaml)))
            .build();
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.body()).contains("\"name\":\"order-review\"");
  }

  private long graphs() {
    return sql.count("SELECT count(*) FROM graph_definitions");
  }

  private long executions() {
    return sql.count("SELECT count(*) FROM graph_executions");
  }
}
