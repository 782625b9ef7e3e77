package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /executions/{id}/events read to its end by a real HTTP client: text/event-stream; each event
 * has an id, a name and JSON data about this execution; per node, queued comes before completed; a
 * child is queued only after its parents completed; the skipped branch is reported; the last event
 * is execution_finished and the server then ends the stream. Read again after the end, the stream
 * replays the same events.
 */
@ExtendWith(FleetExtension.class)
class EventStreamIT {
  private static final Set<String> NAMES =
      Set.of(
          "execution_started",
          "node_queued",
          "node_started",
          "node_completed",
          "node_failed",
          "node_retrying",
          "node_skipped",
          "node_cancelled",
          "node_cached",
          "execution_finished");

  /** Spec 03: {@code 2026-11-22T10:15:30.123456Z}. */
  private static final String MICROSECONDS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

  @Test
  void theStreamTellsTheExecutionInCausalOrderAndEnds(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("events.yaml"));
    String executionId =
        client.start(graphId, Map.of("product_id", "P-100", "quantity", 2, "customer", "Ada"));
    URI uri = URI.create(fleet.apiBaseUri() + "/api/v1/executions/" + executionId + "/events");

    EventStream.Result live = EventStream.read(uri, null, Duration.ofSeconds(30));

    assertThat(live.status()).isEqualTo(200);
    assertThat(live.contentType()).startsWith("text/event-stream");
    List<Parsed> events = parse(live.events(), executionId);
    assertThat(events).as("events").isNotEmpty();
    assertThat(events.get(0).name()).isEqualTo("execution_started");
    Parsed last = events.get(events.size() - 1);
    assertThat(last.name()).as("last event of %s", names(events)).isEqualTo("execution_finished");
    assertThat(last.data().path("status").asText()).isEqualTo("completed");
    assertThat(events.stream().filter(e -> e.name().equals("execution_finished"))).hasSize(1);

    for (String node : List.of("check", "stock", "advice", "decide")) {
      int queued = only(events, "node_queued", node);
      int completed = only(events, "node_completed", node);
      int started = only(events, "node_started", node);
      assertThat(queued)
          .as("%s queued before started in %s", node, names(events))
          .isLessThan(started);
      assertThat(started)
          .as("%s started before completed in %s", node, names(events))
          .isLessThan(completed);
      assertThat(events.get(started).data().path("worker_id").asText()).isNotBlank();
      assertThat(events.get(queued).data().path("attempt").asInt()).isEqualTo(1);
      assertThat(events.get(completed).data().path("attempt").asInt()).isEqualTo(1);
      assertThat(events.get(completed).data().path("status").asText()).isEqualTo("completed");
    }
    int skipped = only(events, "node_skipped", "refuse");
    assertThat(events.get(skipped).data().path("status").asText()).isEqualTo("skipped");
    assertThat(indexes(events, "node_queued", "refuse")).as("refuse never queued").isEmpty();
    assertThat(skipped).isGreaterThan(only(events, "node_completed", "check"));

    int checkDone = only(events, "node_completed", "check");
    assertThat(only(events, "node_queued", "stock")).isGreaterThan(checkDone);
    assertThat(only(events, "node_queued", "advice")).isGreaterThan(checkDone);
    assertThat(only(events, "node_queued", "decide"))
        .isGreaterThan(only(events, "node_completed", "stock"))
        .isGreaterThan(only(events, "node_completed", "advice"));

    JsonNode execution = client.execution(executionId);
    assertThat(execution.path("status").asText()).isEqualTo("completed");

    EventStream.Result replay = EventStream.read(uri, null, Duration.ofSeconds(15));
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.events()).as("replay after the end").isEqualTo(live.events());
  }

  /** Spec 03: timestamps are ISO-8601 UTC with microseconds, in the events' data as elsewhere. */
  @Test
  void timestampsAreIsoUtcWithMicroseconds(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("idempotent.yaml"));
    JsonNode execution = client.run(graphId, Map.of("quantity", 1));
    String executionId = execution.path("id").asText();
    for (String field : List.of("created_at", "started_at", "completed_at")) {
      assertThat(execution.path(field).asText()).as(field).matches(MICROSECONDS);
    }
    assertThat(execution.at("/nodes/approve/started_at").asText()).matches(MICROSECONDS);
    List<EventStream.Event> events = EventStream.replay(fleet, executionId);
    assertThat(events).isNotEmpty();
    for (EventStream.Event event : events) {
      assertThat(event.json().path("at").asText())
          .as("at of %s: %s", event, event.data())
          .matches(MICROSECONDS);
    }
  }

  private record Parsed(String id, String name, JsonNode data) {}

  private static List<Parsed> parse(List<EventStream.Event> raw, String executionId) {
    List<Parsed> events = new ArrayList<>();
    String previousId = null;
    for (EventStream.Event event : raw) {
      assertThat(event.id()).as("id of %s", event).isNotBlank();
      assertThat(event.name()).as("name of %s", event).isIn(NAMES);
      JsonNode data = FleetClient.json(event.data());
      assertThat(data.isObject()).as("data of %s", event).isTrue();
      assertThat(data.path("execution_id").asText()).as("%s", event).isEqualTo(executionId);
      assertThat(Instant.parse(data.path("at").asText())).as("at of %s", event).isNotNull();
      if (event.name().startsWith("node_")) {
        assertThat(data.path("node_id").asText()).as("node_id of %s", event).isNotBlank();
      }
      if (previousId != null) {
        assertThat(compareIds(event.id(), previousId)).as("ids increase: %s", raw).isPositive();
      }
      previousId = event.id();
      events.add(new Parsed(event.id(), event.name(), data));
    }
    return events;
  }

  /** Compares Redis stream ids ({@code millis-sequence}), or plain numbers. */
  private static int compareIds(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long xi = i < x.length ? Long.parseLong(x[i]) : 0;
      long yi = i < y.length ? Long.parseLong(y[i]) : 0;
      if (xi != yi) {
        return Long.compare(xi, yi);
      }
    }
    return 0;
  }

  private static List<Integer> indexes(List<Parsed> events, String name, String node) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Parsed e = events.get(i);
      if (e.name().equals(name) && node.equals(e.data().path("node_id").asText())) {
        found.add(i);
      }
    }
    return found;
  }

  /** The index of the one {@code name} event of {@code node}. */
  private static int only(List<Parsed> events, String name, String node) {
    List<Integer> found = indexes(events, name, node);
    assertThat(found).as("%s of %s in %s", name, node, names(events)).hasSize(1);
    return found.get(0);
  }

  private static List<String> names(List<Parsed> events) {
    return events.stream()
        .map(
            e ->
                e.name()
                    + (e.data().has("node_id")
                        ? "(" + e.data().path("node_id").asText() + ")"
                        : ""))
        .toList();
  }
}
