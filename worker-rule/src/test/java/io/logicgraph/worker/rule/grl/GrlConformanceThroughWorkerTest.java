package io.logicgraph.worker.rule.grl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared GRL conformance cases run through the worker's GrlNode executor: {@code facts_in} is
 * the task context, and the context after the node (input plus the output merged at top level) must
 * hold {@code facts_expected} and none of {@code facts_absent}. Skipped when the shared fixtures
 * are not next to the project.
 */
class GrlConformanceThroughWorkerTest {
  private static final Path CASES = Path.of("../../shared/fixtures/conformance/grl");

  @TestFactory
  Stream<DynamicTest> sharedCases() throws IOException {
    assumeTrue(Files.isDirectory(CASES), "shared GRL conformance cases not present at " + CASES);
    List<Path> files;
    try (Stream<Path> list = Files.list(CASES)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("cases in " + CASES).isNotEmpty();
    GrlNodeEvaluator evaluator = new GrlNodeEvaluator(new RuleSetCache(8));
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(evaluator, f)));
  }

  private static void run(GrlNodeEvaluator evaluator, Path file) throws IOException {
    JsonNode spec = Json.MAPPER.readTree(file.toFile());
    String rules = Files.readString(file.getParent().resolve(spec.get("rules_file").asText()));
    String description = spec.path("description").asText();
    double tolerance = spec.path("tolerance").asDouble(1e-9);
    ObjectNode context = (ObjectNode) spec.get("facts_in").deepCopy();

    ObjectNode output =
        evaluator.evaluate("decide", GrlNodeEvaluatorTest.node(rules, null), context);

    assertThat(output.get("decide_result").get("capped").booleanValue())
        .as(description + ": capped")
        .isFalse();
    ObjectNode after = context.deepCopy();
    after.setAll(output);
    spec.get("facts_expected")
        .fields()
        .forEachRemaining(
            expected -> {
              String fact = expected.getKey();
              JsonNode actual = after.get(fact);
              assertThat(actual).as(description + ": fact " + fact).isNotNull();
              if (expected.getValue().isNumber()) {
                assertThat(actual.isNumber()).as(fact + " is a number: " + actual).isTrue();
                assertThat(actual.doubleValue())
                    .as(description + ": fact " + fact)
                    .isCloseTo(expected.getValue().doubleValue(), within(tolerance));
              } else {
                assertThat(actual)
                    .as(description + ": fact " + fact)
                    .isEqualTo(expected.getValue());
              }
            });
    spec.path("facts_absent")
        .forEach(
            absent ->
                assertThat(after.has(absent.asText()))
                    .as(description + ": fact " + absent.asText() + " absent")
                    .isFalse());
  }
}
