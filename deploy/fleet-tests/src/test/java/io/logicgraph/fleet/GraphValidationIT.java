package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Submit-time validation through the gateway: the project's own graphs, and the rust-logic-graph
 * files when {@code ../shared/fixtures} sits beside the repository (skipped otherwise).
 */
@ExtendWith(FleetExtension.class)
class GraphValidationIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Fields a node may be rejected for lacking, besides the keys it declares. */
  private static final Set<String> REQUIRED_FIELDS =
      Set.of("query", "prompt", "node_type", "type", "database", "condition", "rules", "graph_id");

  @Test
  void aCycleIsRejectedNamingItsPath(Fleet fleet) {
    String yaml = FleetClient.graph("cyclic.yaml");
    assertRejected(
        fleet, yaml, errors -> assertThat(errors.toString()).contains("x -> y -> z -> x"));
  }

  @Test
  void everyMissingOrUnknownFieldIsReportedTogetherWithItsNode(Fleet fleet) {
    String yaml = FleetClient.graph("missing-fields.yaml");
    assertRejected(
        fleet,
        yaml,
        errors -> {
          assertThat(names(errors, "lookup", "query")).as("lookup: no query").isTrue();
          assertThat(names(errors, "ask", "prompt")).as("ask: no prompt").isTrue();
          assertThat(names(errors, "check", "colour")).as("check: unknown key").isTrue();
        });
  }

  @Test
  void validateReturnsTheTopologicalLayers(Fleet fleet) {
    JsonNode chain = validate(fleet, FleetClient.graph("linear-chain.yaml"));
    assertThat(chain.path("valid").asBoolean()).as("%s", chain).isTrue();
    assertThat(chain.path("errors")).isEmpty();
    assertThat(layers(chain))
        .containsExactly(
            Set.of("validate"), Set.of("fetch"), Set.of("describe"), Set.of("approve"));

    JsonNode diamond = validate(fleet, FleetClient.graph("diamond.yaml"));
    assertThat(diamond.path("valid").asBoolean()).as("%s", diamond).isTrue();
    assertThat(layers(diamond))
        .containsExactly(Set.of("check"), Set.of("stock", "advice"), Set.of("decide"));
  }

  @TestFactory
  Stream<DynamicTest> rustLogicGraphFixtures(Fleet fleet) throws IOException {
    Path root = Path.of(System.getProperty("fleet.root", "../.."));
    Path fixtures = root.resolve("../shared/fixtures/rust-logic-graph").normalize();
    assumeTrue(Files.isDirectory(fixtures), "no shared fixtures at " + fixtures);
    List<Path> graphs;
    try (Stream<Path> files = Files.list(fixtures)) {
      graphs =
          files
              .filter(f -> f.getFileName().toString().endsWith(".yaml"))
              .filter(f -> !f.getFileName().toString().equals("sample_context.yaml"))
              .sorted()
              .toList();
    }
    return graphs.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      String yaml = Files.readString(file);
                      if (file.getFileName().toString().equals("cyclic_graph.yaml")) {
                        assertRejected(
                            fleet,
                            yaml,
                            errors -> assertThat(errors.toString()).contains("a -> b -> c -> a"));
                      } else {
                        assertStoredOrRejectedNamingNodeAndField(fleet, yaml);
                      }
                    }));
  }

  // ------------------------------------------------------------------ checks

  private interface ErrorsCheck {
    void check(JsonNode errors);
  }

  /** POST /graphs answers 400 problem+json E006, /graphs/validate agrees; both pass the check. */
  private static void assertRejected(Fleet fleet, String yaml, ErrorsCheck check) {
    Response stored = post(fleet, "/graphs", yaml);
    assertThat(stored.statusCode()).as("POST /graphs: %s", stored.asString()).isEqualTo(400);
    JsonNode problem = assertProblem(stored);
    check.check(problem.path("errors"));

    JsonNode validation = validationOfInvalid(fleet, yaml);
    check.check(validation.path("errors"));
  }

  private static void assertStoredOrRejectedNamingNodeAndField(Fleet fleet, String yaml)
      throws IOException {
    Response stored = post(fleet, "/graphs", yaml);
    assertThat(stored.statusCode()).as("POST /graphs: %s", stored.asString()).isIn(201, 400);
    if (stored.statusCode() == 201) {
      JsonNode validation = validate(fleet, yaml);
      assertThat(validation.path("valid").asBoolean()).as("validate: %s", validation).isTrue();
      return;
    }
    JsonNode errors = assertProblem(stored).path("errors");
    JsonNode nodes = YAML.readTree(yaml).path("nodes");
    for (JsonNode error : errors) {
      boolean named = false;
      for (String node : FleetClient.fieldNames(nodes)) {
        Set<String> fields = new HashSet<>(REQUIRED_FIELDS);
        if (nodes.path(node).isObject()) {
          fields.addAll(FleetClient.fieldNames(nodes.path(node)));
        }
        for (String field : fields) {
          named |= names(List.of(error), node, field);
        }
      }
      assertThat(named).as("error names a node and its field: %s", error).isTrue();
    }
    assertThat(validationOfInvalid(fleet, yaml).path("errors")).hasSameSizeAs(errors);
  }

  /** The 400 problem+json body of a rejected graph. */
  private static JsonNode assertProblem(Response response) {
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = json(response.asString());
    assertThat(problem.path("status").asInt()).isEqualTo(400);
    assertThat(problem.path("code").asText()).isEqualTo("E006");
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("errors")).as("errors of %s", problem).isNotEmpty();
    for (JsonNode error : problem.path("errors")) {
      assertThat(error.path("path").isTextual()).as("path of %s", error).isTrue();
      assertThat(error.path("message").asText()).as("message of %s", error).isNotBlank();
    }
    assertThat(response.asString()).doesNotContain("Exception").doesNotContain("\tat ");
    return problem;
  }

  /** POST /graphs/validate of a valid graph: 200 {valid, errors, warnings, layers}. */
  private static JsonNode validate(Fleet fleet, String yaml) {
    Response response = post(fleet, "/graphs/validate", yaml);
    assertThat(response.statusCode())
        .as("POST /graphs/validate: %s", response.asString())
        .isEqualTo(200);
    return json(response.asString());
  }

  /**
   * POST /graphs/validate of an invalid graph: spec 03 lists only 200 {valid: false, errors}, a 400
   * problem with the same errors is accepted too; either way nothing is stored.
   */
  private static JsonNode validationOfInvalid(Fleet fleet, String yaml) {
    Response response = post(fleet, "/graphs/validate", yaml);
    assertThat(response.statusCode())
        .as("POST /graphs/validate: %s", response.asString())
        .isIn(200, 400);
    JsonNode body = json(response.asString());
    if (response.statusCode() == 200) {
      assertThat(body.path("valid").asBoolean(true)).as("valid of %s", body).isFalse();
    } else {
      assertProblem(response);
    }
    assertThat(body.path("errors")).as("errors of %s", body).isNotEmpty();
    return body;
  }

  private static Response post(Fleet fleet, String path, String yaml) {
    return fleet.api().contentType("application/yaml").body(yaml).when().post(path);
  }

  /** Some error's path or message names the node id and the field. */
  private static boolean names(Iterable<JsonNode> errors, String node, String field) {
    Pattern nodeWord = word(node);
    Pattern fieldWord = word(field);
    for (JsonNode error : errors) {
      String text = error.path("path").asText() + " " + error.path("message").asText();
      if (nodeWord.matcher(text).find() && fieldWord.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern word(String word) {
    return Pattern.compile("(^|[^A-Za-z0-9_])" + Pattern.quote(word) + "($|[^A-Za-z0-9_])");
  }

  private static List<Set<String>> layers(JsonNode validation) {
    List<Set<String>> layers = new ArrayList<>();
    for (JsonNode layer : validation.path("layers")) {
      Set<String> ids = new HashSet<>();
      layer.forEach(id -> ids.add(id.asText()));
      layers.add(ids);
    }
    return layers;
  }
}
