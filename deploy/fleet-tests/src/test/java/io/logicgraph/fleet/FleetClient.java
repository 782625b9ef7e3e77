package io.logicgraph.fleet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The REST calls and checks the scenario tests share, written against spec 03 (REST API). */
final class FleetClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

  private final Fleet fleet;
  private final String apiKey;
  private final AtomicInteger unavailable = new AtomicInteger();

  FleetClient(Fleet fleet) {
    this(fleet, Fleet.API_KEY);
  }

  /** A client acting with another API key (another tenant's, see {@link Fleet#createApiKey}). */
  FleetClient(Fleet fleet, String apiKey) {
    this.fleet = fleet;
    this.apiKey = apiKey;
  }

  private io.restassured.specification.RequestSpecification api() {
    return fleet.anonymousApi().header(Fleet.API_KEY_HEADER, apiKey);
  }

  /** A graph document from {@code src/test/resources/graphs/}. */
  static String graph(String file) {
    try (InputStream in = FleetClient.class.getResourceAsStream("/graphs/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no test graph " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }

  static String text(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** POST /graphs with a YAML body; asserts 201 with {id, name, version, created_at} + Location. */
  String submit(String yaml) {
    Response response = api().contentType("application/yaml").body(yaml).when().post("/graphs");
    assertThat(response.statusCode()).as("POST /graphs: %s", response.asString()).isEqualTo(201);
    JsonNode body = json(response.asString());
    String id = body.path("id").asText();
    assertThat(id).as("id of %s", body).matches("[0-9a-f-]{36}");
    assertThat(body.path("version").asInt()).as("version").isEqualTo(1);
    assertThat(body.path("created_at").asText()).as("created_at").isNotBlank();
    assertThat(response.header("Location")).as("Location").endsWith("/graphs/" + id);
    return id;
  }

  /** POST /graphs/{id}/execute without waiting; asserts 202 and returns the execution id. */
  String start(String graphId, Map<String, ?> context) {
    Response response = execute(graphId, context, null);
    assertThat(response.statusCode())
        .as("POST /graphs/%s/execute: %s", graphId, response.asString())
        .isEqualTo(202);
    JsonNode body = json(response.asString());
    assertThat(body.path("status").asText()).as("status of %s", body).isNotBlank();
    return body.path("execution_id").asText();
  }

  /** POST /graphs/{id}/execute?wait=30000; asserts 200 and returns the finished execution. */
  JsonNode run(String graphId, Map<String, ?> context) {
    Response response = execute(graphId, context, 30_000);
    assertThat(response.statusCode())
        .as("POST /graphs/%s/execute?wait=30000: %s", graphId, response.asString())
        .isEqualTo(200);
    return json(response.asString());
  }

  private Response execute(String graphId, Map<String, ?> context, Integer waitMillis) {
    return execute(graphId, context, waitMillis, null);
  }

  /** POST /graphs/{id}/execute with an optional {@code wait} and {@code Idempotency-Key}. */
  Response execute(
      String graphId, Map<String, ?> context, Integer waitMillis, String idempotencyKey) {
    var request = api().contentType(ContentType.JSON).body(text(Map.of("context", context)));
    if (idempotencyKey != null) {
      request = request.header("Idempotency-Key", idempotencyKey);
    }
    if (waitMillis != null) {
      request = request.queryParam("wait", waitMillis);
    }
    return request.when().post("/graphs/{id}/execute", graphId);
  }

  /** POST /executions/{id}/cancel, answer as it comes. */
  Response cancel(String executionId) {
    return api().when().post("/executions/{id}/cancel", executionId);
  }

  /** POST /executions/{id}/retry, answer as it comes. */
  Response retry(String executionId) {
    return api().when().post("/executions/{id}/retry", executionId);
  }

  /** GET /executions/{id}; asserts 200. */
  JsonNode execution(String executionId) {
    Response response = api().when().get("/executions/{id}", executionId);
    assertThat(response.statusCode())
        .as("GET /executions/%s: %s", executionId, response.asString())
        .isEqualTo(200);
    return json(response.asString());
  }

  /**
   * GET /executions/{id} for pollers: empty on 503 (the gateway sheds load when its database
   * answers slowly; spec 03 makes that a retryable answer), asserts 200 otherwise.
   */
  Optional<JsonNode> poll(String executionId) {
    Response response = api().when().get("/executions/{id}", executionId);
    if (response.statusCode() == 503) {
      unavailable.incrementAndGet();
      return Optional.empty();
    }
    assertThat(response.statusCode())
        .as("GET /executions/%s: %s", executionId, response.asString())
        .isEqualTo(200);
    return Optional.of(json(response.asString()));
  }

  /** How many polls the gateway answered with 503. */
  int unavailableAnswers() {
    return unavailable.get();
  }

  /** GET /executions/{id}/results; asserts 200. */
  JsonNode results(String executionId) {
    Response response = api().when().get("/executions/{id}/results", executionId);
    assertThat(response.statusCode())
        .as("GET /executions/%s/results: %s", executionId, response.asString())
        .isEqualTo(200);
    return json(response.asString());
  }

  /** Polls GET /executions/{id} until {@code condition} holds for it; returns that state. */
  JsonNode awaitExecution(
      String executionId, Duration atMost, java.util.function.Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              poll(executionId).ifPresent(execution -> last[0] = execution);
              return last[0] != null && condition.test(last[0]);
            });
    return last[0];
  }

  /**
   * The attempts the orchestrator recorded for a node (table {@code node_attempts} of the fleet's
   * state database), in attempt order: attempt, outcome, error (JSON), started_at, completed_at,
   * recorded_at.
   */
  List<Map<String, Object>> attempts(String executionId, String nodeId) {
    return fleet
        .database("state")
        .rows(
            "SELECT attempt, outcome, error::text AS error, started_at, completed_at, recorded_at"
                + " FROM node_attempts WHERE execution_id = ?::uuid AND node_id = ?"
                + " ORDER BY attempt",
            executionId,
            nodeId);
  }

  /** Polls GET /executions/{id} until the execution is terminal. */
  JsonNode awaitTerminal(String executionId, Duration atMost) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              poll(executionId).ifPresent(execution -> last[0] = execution);
              return last[0] != null && TERMINAL.contains(last[0].path("status").asText());
            });
    return last[0];
  }

  /**
   * What the emulator answers to the chat request worker-ai sends for an OpenAINode (system prompt,
   * then the rendered prompt): the emulator is deterministic, so this is the expected X_content.
   */
  String llmAnswer(
      String model, String systemPrompt, String prompt, double temperature, int maxTokens) {
    Map<String, Object> body =
        Map.of(
            "model",
            model,
            "messages",
            List.of(
                Map.of("role", "system", "content", systemPrompt),
                Map.of("role", "user", "content", prompt)),
            "temperature",
            temperature,
            "max_tokens",
            maxTokens);
    Response response =
        given()
            .baseUri(fleet.llmBaseUri())
            .header("Authorization", "Bearer " + Fleet.EMULATOR_KEY)
            .contentType(ContentType.JSON)
            .body(text(body))
            .when()
            .post("/chat/completions");
    assertThat(response.statusCode()).as("emulator: %s", response.asString()).isEqualTo(200);
    String content = json(response.asString()).at("/choices/0/message/content").asText();
    assertThat(content).as("emulator content").isNotBlank();
    return content;
  }

  /**
   * What the emulator answers to the Anthropic Messages request worker-ai sends for a ClaudeNode
   * (or an AINode with provider anthropic): the text blocks joined.
   */
  String anthropicAnswer(String model, String systemPrompt, String prompt, int maxTokens) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    if (systemPrompt != null) {
      body.put("system", systemPrompt);
    }
    body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
    Response response =
        given()
            .baseUri(fleet.llmRootUri())
            .header("x-api-key", Fleet.EMULATOR_KEY)
            .header("anthropic-version", "2023-06-01")
            .contentType(ContentType.JSON)
            .body(text(body))
            .when()
            .post("/v1/messages");
    assertThat(response.statusCode()).as("emulator: %s", response.asString()).isEqualTo(200);
    StringBuilder content = new StringBuilder();
    for (JsonNode block : json(response.asString()).path("content")) {
      content.append(block.path("text").asText());
    }
    assertThat(content).as("emulator content").isNotEmpty();
    return content.toString();
  }

  /** What the emulator answers to the Ollama chat request worker-ai sends for an OllamaNode. */
  String ollamaAnswer(String model, String systemPrompt, String prompt, int maxTokens) {
    List<Map<String, String>> messages = new ArrayList<>();
    if (systemPrompt != null) {
      messages.add(Map.of("role", "system", "content", systemPrompt));
    }
    messages.add(Map.of("role", "user", "content", prompt));
    Map<String, Object> body =
        Map.of(
            "model",
            model,
            "messages",
            messages,
            "stream",
            false,
            "options",
            Map.of("num_predict", maxTokens));
    Response response =
        given()
            .baseUri(fleet.llmRootUri())
            .contentType(ContentType.JSON)
            .body(text(body))
            .when()
            .post("/api/chat");
    assertThat(response.statusCode()).as("emulator: %s", response.asString()).isEqualTo(200);
    String content = json(response.asString()).at("/message/content").asText();
    assertThat(content).as("emulator content").isNotBlank();
    return content;
  }

  // ------------------------------------------------------------------ shared assertions

  /**
   * A finished, successful execution: every listed node completed in one attempt with worker
   * timestamps, nothing else in the node map.
   */
  static void assertCompleted(JsonNode execution, String graphId, List<String> nodeIds) {
    assertThat(execution.path("status").asText())
        .as("status of %s", execution)
        .isEqualTo("completed");
    assertThat(execution.path("graph_id").asText()).isEqualTo(graphId);
    assertThat(execution.path("graph_version").asInt()).isEqualTo(1);
    assertThat(absent(execution.path("error"))).as("error of %s", execution).isTrue();
    assertThat(instant(execution, "completed_at"))
        .isAfterOrEqualTo(instant(execution, "started_at"));
    assertThat(execution.path("duration_ms").asLong(-1)).isGreaterThanOrEqualTo(0);
    JsonNode nodes = execution.path("nodes");
    assertThat(fieldNames(nodes)).containsExactlyInAnyOrderElementsOf(nodeIds);
    for (String id : nodeIds) {
      JsonNode node = nodes.path(id);
      assertThat(node.path("status").asText())
          .as("status of node %s: %s", id, node)
          .isEqualTo("completed");
      assertThat(node.path("attempts").asInt()).as("attempts of node %s", id).isEqualTo(1);
      assertThat(node.path("node_type").asText()).as("node_type of %s", id).isNotBlank();
      assertThat(absent(node.path("error"))).as("error of node %s", id).isTrue();
      assertThat(instant(node, "completed_at")).isAfterOrEqualTo(instant(node, "started_at"));
      assertThat(node.path("duration_ms").asLong(-1))
          .as("duration_ms of %s", id)
          .isGreaterThanOrEqualTo(0);
    }
  }

  /** {@code child} started (on its worker) only after {@code parent} completed (on its worker). */
  static void assertRanAfter(JsonNode execution, String child, String parent) {
    JsonNode nodes = execution.path("nodes");
    assertThat(instant(nodes.path(child), "started_at"))
        .as("%s started after %s completed", child, parent)
        .isAfterOrEqualTo(instant(nodes.path(parent), "completed_at"));
  }

  /**
   * The results of a completed execution: the final context exactly as {@code expected}, plus the
   * LLM node's {@code X_content} equal to {@code llmContent} and its {@code X_result} carrying the
   * same text (the text itself, or an object whose {@code content} is the text).
   */
  static void assertResults(
      JsonNode results,
      String executionId,
      JsonNode expected,
      String llmNode,
      String llmContent,
      List<String> nodeIds) {
    assertThat(results.path("execution_id").asText()).isEqualTo(executionId);
    assertThat(results.path("status").asText()).isEqualTo("completed");
    assertThat(absent(results.path("error"))).as("error of %s", results).isTrue();
    assertThat(fieldNames(results.path("outputs"))).containsExactlyInAnyOrderElementsOf(nodeIds);
    ObjectNode context = results.path("context").deepCopy();
    if (llmNode != null) {
      assertThat(context.path(llmNode + "_content").asText()).isEqualTo(llmContent);
      JsonNode llmResult = context.remove(llmNode + "_result");
      assertThat(llmResult).as(llmNode + "_result").isNotNull();
      if (llmResult.isTextual()) {
        assertThat(llmResult.asText()).isEqualTo(llmContent);
      } else {
        assertThat(llmResult.path("content").asText())
            .as(llmNode + "_result.content")
            .isEqualTo(llmContent);
      }
    }
    assertThat(context).isEqualTo(expected);
  }

  /** A null field, or none at all. */
  static boolean absent(JsonNode value) {
    return value.isNull() || value.isMissingNode();
  }

  static Instant instant(JsonNode node, String field) {
    String value = node.path(field).asText(null);
    assertThat(value).as("%s of %s", field, node).isNotNull();
    return Instant.parse(value);
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
