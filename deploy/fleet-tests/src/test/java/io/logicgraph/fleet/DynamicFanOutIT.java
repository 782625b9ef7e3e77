package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dynamic fan-out ({@code over}): a node runs once per array element on its worker pool, each run
 * seeing {@code item} and {@code item_index}, and writes the list of the runs' results in the
 * array's order; an empty array gives {@code []}; a missing array fails the node with E010; 50 slow
 * elements under {@code max_concurrency: 5} never have more than 5 runs in flight.
 */
@ExtendWith(FleetExtension.class)
class DynamicFanOutIT {
  private static String graphId;
  private static String concurrencyGraphId;

  @BeforeAll
  static void submit(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    graphId = client.submit(FleetClient.graph("fan-out-over.yaml"));
    concurrencyGraphId = client.submit(FleetClient.graph("fan-out-concurrency.yaml"));
  }

  @Test
  void eachElementRunsOnceAndTheResultsKeepTheArraysOrder(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    List<Map<String, Object>> lines =
        List.of(
            Map.of("sku", "P-100", "qty", 2),
            Map.of("sku", "P-200", "qty", 9),
            Map.of("sku", "P-300", "qty", 1),
            Map.of("sku", "P-999", "qty", 0));

    JsonNode execution = client.run(graphId, Map.of("order", Map.of("lines", lines)));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    for (String node : List.of("stock", "check", "summary")) {
      assertThat(execution.at("/nodes/" + node + "/status").asText())
          .as(node)
          .isEqualTo("completed");
    }
    FleetClient.assertRanAfter(execution, "summary", "stock");
    FleetClient.assertRanAfter(execution, "summary", "check");
    JsonNode context = client.results(execution.path("id").asText()).path("context");
    assertThat(context.path("stock_result"))
        .isEqualTo(FleetClient.json("[[{\"stock\": 42}], [{\"stock\": 5}], [{\"stock\": 0}], []]"));
    assertThat(context.path("check_result"))
        .isEqualTo(FleetClient.json("[true, true, true, false]"));
    assertThat(context.path("summary_result").asBoolean()).isTrue();
    assertThat(context.has("item")).as("item stays inside the runs").isFalse();
    assertThat(context.has("stock_count")).as("other keys of a run are not kept").isFalse();
  }

  @Test
  void anEmptyArrayCompletesAtOnceWithAnEmptyList(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode execution = client.run(graphId, Map.of("order", Map.of("lines", List.of())));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    JsonNode context = client.results(execution.path("id").asText()).path("context");
    assertThat(context.path("stock_result")).isEqualTo(FleetClient.json("[]"));
    assertThat(context.path("check_result")).isEqualTo(FleetClient.json("[]"));
    assertThat(context.path("summary_result").asBoolean()).isFalse();
  }

  @Test
  void aMissingArrayFailsTheNodeWithE010(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    JsonNode execution = client.run(graphId, Map.of("order", Map.of("id", 7)));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/error/code").asText()).isEqualTo("E010");
    assertThat(execution.at("/nodes/summary/status").asText()).isEqualTo("cancelled");
  }

  @Test
  void fiftySlowElementsNeverHaveMoreThanFiveInFlight(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      items.add(String.format("item-%02d", i));
    }

    JsonNode execution = client.run(concurrencyGraphId, Map.of("items", items));

    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    String executionId = execution.path("id").asText();
    JsonNode results = client.results(executionId).path("context").path("describe_result");
    assertThat(results.isArray()).as("describe_result: %s", results).isTrue();
    assertThat(results.size()).as("describe_result: %s", results).isEqualTo(50);
    for (int i = 0; i < 50; i++) {
      String item = items.get(i);
      // The emulator's answer depends on the prompt only, so a model without delay gives the same.
      String expected =
          client.llmAnswer(
              "gpt-4o-mini", "You describe one item.", "Describe " + item + " briefly.", 0, 60);
      assertThat(expected).contains(item);
      JsonNode result = results.get(i);
      String content = result.isTextual() ? result.asText() : result.path("content").asText();
      assertThat(content).as("element %d: %s", i, result).isEqualTo(expected);
    }

    List<Map<String, Object>> attempts = client.attempts(executionId, "describe");
    assertThat(attempts).as("attempts of describe").hasSize(50);
    List<Instant[]> intervals = new ArrayList<>();
    for (Map<String, Object> attempt : attempts) {
      assertThat(attempt.get("outcome")).as("%s", attempt).isEqualTo("succeeded");
      Instant started = ((Timestamp) attempt.get("started_at")).toInstant();
      Instant completed = ((Timestamp) attempt.get("completed_at")).toInstant();
      assertThat(completed).as("%s", attempt).isAfterOrEqualTo(started);
      intervals.add(new Instant[] {started, completed});
    }
    int inFlight = maxOverlap(intervals);
    assertThat(inFlight).as("most runs in flight at once, %s", attempts).isLessThanOrEqualTo(5);
    assertThat(inFlight).as("most runs in flight at once, %s", attempts).isGreaterThanOrEqualTo(2);
  }

  /** The most half-open [start, end) intervals that overlap at one instant. */
  private static int maxOverlap(List<Instant[]> intervals) {
    List<Object[]> events = new ArrayList<>();
    for (Instant[] interval : intervals) {
      events.add(new Object[] {interval[0], 1});
      events.add(new Object[] {interval[1], -1});
    }
    // At the same instant an end comes before a start: [a, b) and [b, c) do not overlap.
    events.sort(
        Comparator.<Object[], Instant>comparing(event -> (Instant) event[0])
            .thenComparing(event -> (Integer) event[1]));
    int current = 0;
    int most = 0;
    for (Object[] event : events) {
      current += (Integer) event[1];
      most = Math.max(most, current);
    }
    return most;
  }
}
