package io.logicgraph.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Graph documents of {@code src/test/resources/graphs/} and the checks every test shares. */
public final class Fixtures {
  public static final String GRAPHS = "/api/v1/graphs";
  public static final String EXECUTIONS = "/api/v1/executions";
  public static final String PROBLEM = "application/problem+json";

  /** The suite's API key (the gateway ensures it at start: %test.gateway.auth.bootstrap-key). */
  public static final String API_KEY = "lgf-test-key-for-the-gateway-suite";

  /** Its tenant. */
  public static final String TENANT = "default";

  private Fixtures() {}

  private static volatile boolean keyByDefault;
  private static boolean keyFilterInstalled;

  /**
   * From now on every RestAssured request without credentials of its own (no {@code X-API-Key}, no
   * {@code Authorization}) carries the suite's API key.
   */
  public static synchronized void useTestKey() {
    keyByDefault = true;
    if (!keyFilterInstalled) {
      RestAssured.filters(
          (request, response, context) -> {
            if (keyByDefault
                && !request.getHeaders().hasHeaderWithName("X-API-Key")
                && !request.getHeaders().hasHeaderWithName("Authorization")) {
              request.header("X-API-Key", API_KEY);
            }
            return context.next(request, response);
          });
      keyFilterInstalled = true;
    }
  }

  /** From now on requests carry only the credentials a test gives them. */
  public static void withoutTestKey() {
    keyByDefault = false;
  }

  /** A request with the suite's credentials: every call of the bad-input suite goes through it. */
  public static RequestSpecification api() {
    return given().header("X-API-Key", API_KEY);
  }

  /** Lets RestAssured send YAML documents as they are. */
  public static void sendYamlAsText() {
    EncoderConfig encoders = RestAssured.config().getEncoderConfig();
    for (String type : List.of("application/yaml", "application/x-yaml", "text/yaml")) {
      encoders = encoders.encodeContentTypeAs(type, ContentType.TEXT);
    }
    RestAssured.config = RestAssured.config().encoderConfig(encoders);
  }

  public static String graph(String file) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/graphs/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no test graph " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores the YAML graph and returns its id. */
  public static String createYamlGraph(String file) {
    return given()
        .contentType("application/yaml")
        .body(graph(file))
        .when()
        .post(GRAPHS)
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /**
   * An RFC 9457 problem with the fleet's error code, and nothing that leaks the implementation (no
   * class names, no stack traces).
   */
  public static void assertProblem(Response response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.asString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith(PROBLEM);
    assertThat(response.<String>path("type")).startsWith("urn:logic-graph:problem:");
    assertThat(response.<String>path("title")).isNotBlank();
    assertThat(response.<Integer>path("status")).isEqualTo(status);
    assertThat(response.<String>path("detail")).isNotBlank();
    assertThat(response.<String>path("code")).isEqualTo(code);
    assertThat(response.asString())
        .doesNotContain("Exception")
        .doesNotContain("io.logicgraph")
        .doesNotContain("\tat ");
  }
}
