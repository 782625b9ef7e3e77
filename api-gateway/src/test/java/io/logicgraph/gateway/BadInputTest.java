package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.PROBLEM;
import static io.logicgraph.gateway.Fixtures.api;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.logicgraph.model.message.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint of the REST API fed every class of bad input (see {@link BadInputs}): each answer
 * is the right 4xx as a problem+json naming the offending field, never a 5xx, never a stack trace
 * or class name; and the state database and the queues are exactly as they were before.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  @Inject AgroalDataSource database;

  private StoreLedger ledger;
  private Map<String, Long> atStart;

  /** RestAssured knows the gateway's port only per test, hence not in a BeforeAll. */
  @BeforeEach
  void targets() throws Exception {
    Fixtures.sendYamlAsText();
    if (ledger == null) {
      BadInputs.Targets.create();
      ledger = new StoreLedger(database);
      atStart = ledger.fullSnapshot();
    }
  }

  @AfterAll
  void nothingStoredByTheWholeSuite() throws Exception {
    if (ledger == null) {
      return;
    }
    try {
      assertThat(ledger.fullSnapshot())
          .as("rows and queue depths after the suite")
          .isEqualTo(atStart);
    } finally {
      ledger.close();
    }
  }

  Stream<BadInputs.Case> rejected() {
    return BadInputs.rejected().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void isAnsweredWithAPreciseProblemAndStoresNothing(BadInputs.Case bad) {
    Map<String, Long> before = ledger.snapshot();
    Response response = bad.send().get();
    BadInputs.assertAnswer(bad, response);
    assertThat(ledger.snapshot()).as("rows and queue depths after %s", bad).isEqualTo(before);
  }

  Stream<BadInputs.Document> invalidDocuments() {
    return BadInputs.invalidDocuments().stream();
  }

  /** POST /graphs/validate answers 200 with valid=false and the same error path. */
  @ParameterizedTest(name = "validate: {0}")
  @MethodSource("invalidDocuments")
  void validateReportsTheSameErrorWithoutStoring(BadInputs.Document document) {
    Map<String, Long> before = ledger.snapshot();
    Response response =
        BadInputs.request()
            .contentType(document.contentType())
            .body(document.body())
            .post(GRAPHS + "/validate");
    assertThat(response.statusCode()).as("status of %s", response.asString()).isEqualTo(200);
    JsonNode answer = BadInputs.tree(response.asString());
    assertThat(answer.path("valid").asBoolean()).as(response.asString()).isFalse();
    assertThat(BadInputs.paths(answer))
        .as("error paths of %s", response.asString())
        .contains(document.path());
    BadInputs.assertNoLeak(response.asString());
    assertThat(ledger.snapshot()).isEqualTo(before);
  }

  @Test
  void theBaseDocumentOfEveryMutationIsValid() {
    for (String type : List.of(BadInputs.JSON, BadInputs.YAML)) {
      ObjectNode graph = BadInputs.base();
      String body = type.equals(BadInputs.JSON) ? BadInputs.json(graph) : BadInputs.yaml(graph);
      Response response = api().contentType(type).body(body).post(GRAPHS + "/validate");
      assertThat(response.<Boolean>path("valid")).as(response.asString()).isTrue();
    }
  }

  /**
   * Free-text fields take any text that PostgreSQL can store: injection strings are kept literally
   * and come back unchanged, never interpreted.
   */
  @Test
  void injectionStringsInFreeTextAreStoredLiterally() {
    List<String> mismatches = new ArrayList<>();
    for (BadInputs.Literal literal : BadInputs.literals()) {
      ObjectNode graph = BadInputs.base();
      BadInputs.set(graph, literal.path(), literal.value());
      Response created =
          BadInputs.request().contentType(BadInputs.JSON).body(BadInputs.json(graph)).post(GRAPHS);
      assertThat(created.statusCode()).as("%s: %s", literal, created.asString()).isEqualTo(201);
      JsonNode stored =
          Json.MAPPER.valueToTree(
              api().get(GRAPHS + "/{id}", created.<String>path("id")).path("definition"));
      JsonNode value = BadInputs.get(stored, BadInputs.normalizedPath(literal.path()));
      if (value == null || !literal.value().equals(value.asText())) {
        mismatches.add(literal + " came back as " + value);
      }
      api().delete(GRAPHS + "/{id}", created.<String>path("id")).then().statusCode(204);
    }
    assertThat(mismatches).isEmpty();
    // the graphs stored above are deleted (hidden), not removed: realign the suite's ledger
    atStart = ledger.fullSnapshot();
  }

  /** The execution context, too, keeps injection strings literally. */
  @Test
  void injectionStringsInTheContextAreKeptLiterally() {
    ObjectNode context = Json.MAPPER.createObjectNode();
    int i = 0;
    for (String value : BadInputs.STORABLE_INJECTIONS) {
      context.put("k" + i++, value);
    }
    context.put(BadInputs.SQL_INJECTION, "as a key");
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("context", context);
    Response accepted =
        api()
            .contentType("application/json")
            .body(body.toString())
            .post(GRAPHS + "/{id}/execute", BadInputs.Targets.graphId());
    assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
    JsonNode stored =
        BadInputs.tree(
            String.valueOf(
                new Sql(database)
                    .row(
                        "SELECT input::text AS input FROM graph_executions WHERE id = ?",
                        java.util.UUID.fromString(accepted.<String>path("execution_id")))
                    .get("input")));
    assertThat(stored).isEqualTo(context);
    atStart = ledger.fullSnapshot();
  }

  /**
   * A body without a declared length is cut off when it grows past the limit: 413, nothing stored.
   */
  @Test
  void aChunkedBodyOverTheLimitIsRefusedAndStoresNothing() {
    Map<String, Long> before = ledger.snapshot();
    String huge =
        "{\"name\": \"huge\", \"description\": \""
            + "x".repeat(1024 * 1024 + 10)
            + "\", \"nodes\": {}}";
    Response response =
        BadInputs.request().contentType(BadInputs.JSON).body(BadInputs.chunked(huge)).post(GRAPHS);
    BadInputs.assertAnswer(
        new BadInputs.Case("chunked body over 1 MiB", () -> response, 413, "E007", null), response);
    assertThat(ledger.snapshot()).isEqualTo(before);
  }

  /** A problem body never echoes a very long offending value whole. */
  @Test
  void problemsDoNotEchoHugeValues() {
    String id = "x".repeat(3000);
    Response response = api().get(GRAPHS + "/{id}", id);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.contentType()).startsWith(PROBLEM);
    assertThat(response.asString().length()).isLessThan(1000);
  }
}
