package io.logicgraph.model.grl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.message.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GRL conformance cases (facts in, facts expected, facts absent): the shared reference cases when
 * present, and this project's own cases in {@code src/test/resources/grl}, which always run.
 */
class GrlConformanceTest {
  private static final List<Path> SHARED =
      List.of(
          Path.of("../../shared/fixtures/conformance/grl"),
          Path.of("../shared/fixtures/conformance/grl"));

  @TestFactory
  Stream<DynamicTest> sharedCases() {
    Path dir = SHARED.stream().filter(Files::isDirectory).findFirst().orElse(null);
    assumeTrue(dir != null, "shared GRL conformance cases not present");
    return cases(dir);
  }

  @TestFactory
  Stream<DynamicTest> ownCases() throws URISyntaxException {
    return cases(Path.of(GrlConformanceTest.class.getResource("/grl").toURI()));
  }

  private static Stream<DynamicTest> cases(Path dir) {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files).as("cases in " + dir).isNotEmpty();
    return files.stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
  }

  private static void run(Path file) throws IOException {
    JsonNode spec = Json.MAPPER.readTree(file.toFile());
    String rules = Files.readString(file.getParent().resolve(spec.get("rules_file").asText()));
    double tolerance = spec.path("tolerance").asDouble(1e-9);
    Map<String, JsonNode> facts = new LinkedHashMap<>();
    spec.get("facts_in").fields().forEachRemaining(f -> facts.put(f.getKey(), f.getValue()));

    GrlEvaluation result = GrlRuleSet.parse(rules).evaluate(facts);

    String description = spec.path("description").asText();
    assertThat(result.capped()).as(description + ": capped").isFalse();
    spec.get("facts_expected")
        .fields()
        .forEachRemaining(
            expected -> {
              String name = expected.getKey();
              JsonNode actual = result.facts().get(name);
              assertThat(actual).as(description + ": fact " + name).isNotNull();
              if (expected.getValue().isNumber()) {
                assertThat(actual.isNumber()).as(name + " is a number: " + actual).isTrue();
                assertThat(actual.doubleValue())
                    .as(description + ": fact " + name)
                    .isCloseTo(expected.getValue().doubleValue(), within(tolerance));
              } else {
                assertThat(actual)
                    .as(description + ": fact " + name)
                    .isEqualTo(expected.getValue());
              }
            });
    spec.path("facts_absent")
        .forEach(
            absent ->
                assertThat(result.facts())
                    .as(description + ": fact " + absent.asText() + " absent")
                    .doesNotContainKey(absent.asText()));
  }
}
