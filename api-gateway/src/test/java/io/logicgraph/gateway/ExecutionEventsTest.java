package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.EXECUTIONS;
import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.PROBLEM;
import static io.logicgraph.gateway.Fixtures.createYamlGraph;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.logicgraph.gateway.rest.EventFeed;
import io.logicgraph.model.message.ExecutionEventType;
import io.logicgraph.model.message.ExecutionEvents;
import io.logicgraph.model.message.Json;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /executions/{id}/events} read with a real HTTP client, the stream written as the
 * orchestrator writes it (XADD of {@code event} + {@code data} to the execution's stream key).
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestInfrastructure.class, restrictToAnnotatedClass = false)
class ExecutionEventsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void yaml() {
    Fixtures.sendYamlAsText();
    Fixtures.useTestKey();
  }

  @Inject AgroalDataSource database;
  @Inject RedisDataSource redis;
  @Inject EventFeed feed;

  @TestHTTPResource("/")
  URL base;

  private Sql sql;
  private StreamCommands<String, String, String> streams;

  @BeforeEach
  void clients() {
    sql = new Sql(database);
    streams = redis.stream(String.class);
  }

  @Test
  void replaysTheStreamThenFollowsItLiveAndEndsAfterExecutionFinished() throws Exception {
    String id = runningExecution();
    String started = xadd(id, ExecutionEventType.EXECUTION_STARTED, "{\"status\": \"running\"}");
    String queued =
        xadd(id, ExecutionEventType.NODE_QUEUED, "{\"node_id\": \"gate\", \"attempt\": 1}");

    Listener listener = listen(id, null);
    await().atMost(TIMEOUT).until(() -> listener.events().size() >= 2);
    assertThat(listener.status()).isEqualTo(200);
    assertThat(listener.contentType()).startsWith("text/event-stream");
    assertThat(listener.cacheControl()).isEqualTo("no-cache");
    assertThat(listener.done()).as("still following").isFalse();

    String completed =
        xadd(
            id,
            ExecutionEventType.NODE_COMPLETED,
            "{\"node_id\": \"gate\", \"attempt\": 1, \"status\": \"completed\"}");
    String finished =
        xadd(id, ExecutionEventType.EXECUTION_FINISHED, "{\"status\": \"completed\"}");

    List<Event> events = listener.awaitEnd();
    assertThat(events).extracting(Event::id).containsExactly(started, queued, completed, finished);
    assertThat(events)
        .extracting(Event::event)
        .containsExactly(
            "execution_started", "node_queued", "node_completed", "execution_finished");
    JsonNode data = Json.MAPPER.readTree(events.get(2).data());
    assertThat(data.path("execution_id").asText()).isEqualTo(id);
    assertThat(data.path("node_id").asText()).isEqualTo("gate");
    assertThat(data.path("status").asText()).isEqualTo("completed");
    assertThat(data.path("at").asText()).isNotBlank();
    await().atMost(TIMEOUT).until(() -> feed.openStreams() == 0);
  }

  @Test
  void lastEventIdResumesAfterThatEntry() throws Exception {
    String id = runningExecution();
    xadd(id, ExecutionEventType.EXECUTION_STARTED, "{}");
    String queued = xadd(id, ExecutionEventType.NODE_QUEUED, "{\"node_id\": \"gate\"}");
    String completed = xadd(id, ExecutionEventType.NODE_COMPLETED, "{\"node_id\": \"gate\"}");
    String finished = xadd(id, ExecutionEventType.EXECUTION_FINISHED, "{\"status\": \"failed\"}");

    List<Event> events = listen(id, queued).awaitEnd();
    assertThat(events).extracting(Event::id).containsExactly(completed, finished);

    // the client saw the end: resuming after it, once the execution ended, is 204 (no reconnects)
    sql.update("UPDATE graph_executions SET status = 'failed' WHERE id = ?::uuid", id);
    assertThat(get(id, finished).statusCode()).isEqualTo(204);
  }

  @Test
  void anEndedExecutionWithoutAStreamGetsOneFinishedEventFromPostgres() throws Exception {
    String id = runningExecution();
    sql.update(
        "UPDATE graph_executions SET status = 'failed', completed_at = now(),"
            + " error = '{\"code\": \"E005\", \"message\": \"deadline passed\"}'::jsonb"
            + " WHERE id = ?::uuid",
        id);

    List<Event> events = listen(id, null).awaitEnd();
    assertThat(events).hasSize(1);
    Event finished = events.get(0);
    assertThat(finished.event()).isEqualTo("execution_finished");
    assertThat(finished.id()).isEqualTo("0-0");
    JsonNode data = Json.MAPPER.readTree(finished.data());
    assertThat(data.path("execution_id").asText()).isEqualTo(id);
    assertThat(data.path("status").asText()).isEqualTo("failed");
    assertThat(data.path("error").path("code").asText()).isEqualTo("E005");
    assertThat(data.path("at").asText()).matches("\\d{4}-.*T.*\\.\\d{6}Z");

    assertThat(get(id, finished.id()).statusCode()).as("resumed after the end").isEqualTo(204);
  }

  @Test
  void aRunningExecutionWithoutAStreamStartsWithASnapshot() throws Exception {
    String id = runningExecution();
    Listener listener = listen(id, null);
    await().atMost(TIMEOUT).until(() -> !listener.events().isEmpty());
    Event snapshot = listener.events().get(0);
    assertThat(snapshot.event()).isEqualTo(EventFeed.SNAPSHOT);
    assertThat(snapshot.id()).isNull();
    JsonNode body = Json.MAPPER.readTree(snapshot.data());
    assertThat(body.path("id").asText()).isEqualTo(id);
    assertThat(body.path("status").asText()).isEqualTo("running");
    assertThat(body.path("nodes").has("gate")).isTrue();

    // quiet stream: keep-alive comments (1 s in tests) until the orchestrator writes
    await().atMost(TIMEOUT).until(() -> !listener.comments().isEmpty());
    assertThat(listener.comments()).contains(EventFeed.KEEP_ALIVE);
    String finished = xadd(id, ExecutionEventType.EXECUTION_FINISHED, "{}");
    List<Event> events = listener.awaitEnd();
    assertThat(events).extracting(Event::id).containsExactly(null, finished);
  }

  @Test
  void aPendingExecutionWaitsForTheStreamTheOrchestratorStarts() throws Exception {
    String graphId = createYamlGraph("order-review.yaml");
    String id = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    Listener listener = listen(id, null);
    await().atMost(TIMEOUT).until(() -> !listener.comments().isEmpty());
    assertThat(listener.events()).as("no snapshot: nothing was lost yet").isEmpty();

    String started = xadd(id, ExecutionEventType.EXECUTION_STARTED, "{}");
    String finished = xadd(id, ExecutionEventType.EXECUTION_FINISHED, "{}");
    assertThat(listener.awaitEnd()).extracting(Event::id).containsExactly(started, finished);
  }

  @Test
  void aStreamWithoutItsFinalEventEndsFromPostgres() throws Exception {
    String id = runningExecution();
    String started = xadd(id, ExecutionEventType.EXECUTION_STARTED, "{}");
    Listener listener = listen(id, null);
    await().atMost(TIMEOUT).until(() -> listener.events().size() == 1);
    // the execution ends but its execution_finished entry never comes (e.g. Redis was away)
    sql.update(
        "UPDATE graph_executions SET status = 'cancelled', completed_at = now()"
            + " WHERE id = ?::uuid",
        id);
    List<Event> events = listener.awaitEnd();
    assertThat(events)
        .extracting(Event::event)
        .containsExactly("execution_started", "execution_finished");
    assertThat(events.get(1).id()).as("the last entry the client has").isEqualTo(started);
    assertThat(Json.MAPPER.readTree(events.get(1).data()).path("status").asText())
        .isEqualTo("cancelled");
  }

  @Test
  void aClientThatGoesAwayClosesItsStream() throws Exception {
    String id = runningExecution();
    xadd(id, ExecutionEventType.EXECUTION_STARTED, "{}");
    HttpResponse<InputStream> response =
        HTTP.send(request(id, null), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      assertThat(body.read()).isNotEqualTo(-1);
      assertThat(feed.openStreams()).isEqualTo(1);
    }
    await().atMost(TIMEOUT).until(() -> feed.openStreams() == 0);
  }

  @Test
  void unknownExecutionsAndBadResumeIdsAreProblemsBeforeTheStream() throws Exception {
    HttpResponse<String> unknown = get(UUID.randomUUID().toString(), null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM));
    JsonNode problem = Json.MAPPER.readTree(unknown.body());
    assertThat(problem.path("code").asText()).isEqualTo("E004");
    assertThat(problem.path("status").asInt()).isEqualTo(404);

    String id = runningExecution();
    HttpResponse<String> badResume = get(id, "yesterday");
    assertThat(badResume.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(badResume.body()).path("code").asText()).isEqualTo("E007");
    assertThat(get("not-a-uuid", null).statusCode()).isEqualTo(400);
    HttpResponse<String> json =
        HTTP.send(
            HttpRequest.newBuilder(request(id, null).uri())
                .header("Accept", "application/json")
                .header("X-API-Key", Fixtures.API_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(json.statusCode()).isEqualTo(406);
    assertThat(Json.MAPPER.readTree(json.body()).path("detail").asText())
        .contains("text/event-stream");
  }

  // ------------------------------------------------------------------ the orchestrator's side

  private String runningExecution() {
    String graphId = createYamlGraph("order-review.yaml");
    String id = given().post(GRAPHS + "/{id}/execute", graphId).path("execution_id");
    sql.update(
        "UPDATE graph_executions SET status = 'running', started_at = now() WHERE id = ?::uuid",
        id);
    return id;
  }

  private String xadd(String executionId, ExecutionEventType type, String extra)
      throws IOException {
    var data = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(extra);
    data.put("execution_id", executionId);
    data.put("at", java.time.Instant.now().toString());
    return streams.xadd(
        ExecutionEvents.streamKey(UUID.fromString(executionId)),
        Map.of("event", type.wire(), "data", data.toString()));
  }

  // ------------------------------------------------------------------ an SSE client

  /** One event as the client parsed it. */
  record Event(String id, String event, String data) {}

  private HttpRequest request(String executionId, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(base + EXECUTIONS.substring(1) + "/" + executionId + "/events"))
            .header("Accept", "text/event-stream")
            .header("X-API-Key", Fixtures.API_KEY)
            .timeout(TIMEOUT);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return request.GET().build();
  }

  private HttpResponse<String> get(String executionId, String lastEventId) throws Exception {
    return HTTP.send(request(executionId, lastEventId), HttpResponse.BodyHandlers.ofString());
  }

  private Listener listen(String executionId, String lastEventId) {
    Listener listener = new Listener();
    listener.reading =
        HTTP.sendAsync(request(executionId, lastEventId), HttpResponse.BodyHandlers.ofInputStream())
            .thenAcceptAsync(listener::read);
    return listener;
  }

  /** Reads an event stream in the background, event by event. */
  static final class Listener {
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> comments = Collections.synchronizedList(new ArrayList<>());
    private volatile int status;
    private volatile String contentType;
    private volatile String cacheControl;
    private volatile CompletableFuture<Void> reading;

    void read(HttpResponse<InputStream> response) {
      status = response.statusCode();
      contentType = response.headers().firstValue("Content-Type").orElse("");
      cacheControl = response.headers().firstValue("Cache-Control").orElse("");
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String id = null;
        String name = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.isEmpty()) {
            if (data != null) {
              events.add(new Event(id, name, data.toString()));
            }
            id = null;
            name = null;
            data = null;
            continue;
          }
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          switch (field) {
            case "" -> comments.add(value);
            case "id" -> id = value;
            case "event" -> name = value;
            case "data" ->
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {}
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    List<Event> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    List<String> comments() {
      synchronized (comments) {
        return List.copyOf(comments);
      }
    }

    int status() {
      return status;
    }

    String contentType() {
      return contentType;
    }

    String cacheControl() {
      return cacheControl;
    }

    boolean done() {
      return reading.isDone();
    }

    /** Waits until the server ended the stream; every event it sent. */
    List<Event> awaitEnd() throws Exception {
      reading.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return events();
    }
  }
}
