package io.logicgraph.worker.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.message.Json;
import io.logicgraph.worker.ai.messaging.AiTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The emulator refuses requests of the wrong shape with the provider's own 400/401 body, which is
 * what makes the providers' success tests a proof of the request shape.
 */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class LlmEmulatorTest {
  private static final String MESSAGE =
      "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @ConfigProperty(name = "worker-ai.anthropic.base-url")
  String root;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void anthropicShapeIsEnforced() throws Exception {
    assertAnthropicError(
        post("/v1/messages", MESSAGE, headers("anthropic-version", "2023-06-01")),
        401,
        "authentication_error",
        "x-api-key header is required");
    assertAnthropicError(
        post("/v1/messages", MESSAGE, headers("x-api-key", AiTestResource.API_KEY)),
        400,
        "invalid_request_error",
        "anthropic-version: header is required");
    Map<String, String> good =
        headers("x-api-key", AiTestResource.API_KEY, "anthropic-version", "2023-06-01");
    assertAnthropicError(
        post(
            "/v1/messages",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            good),
        400,
        "invalid_request_error",
        "max_tokens: Field required");
    assertAnthropicError(
        post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":10}", good),
        400,
        "invalid_request_error",
        "messages: Field required");
    assertAnthropicError(
        post(
            "/v1/messages",
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
            good),
        400,
        "invalid_request_error",
        "messages.0.role: Input should be 'user' or 'assistant' (a system prompt goes in the"
            + " top-level `system` parameter)");
    assertAnthropicError(
        post(
            "/v1/messages",
            MESSAGE.replace("\"max_tokens\"", "\"max_completion_tokens\":5,\"max_tokens\""),
            good),
        400,
        "invalid_request_error",
        "max_completion_tokens: Extra inputs are not permitted");
    assertThat(post("/v1/messages", MESSAGE, good).statusCode()).isEqualTo(200);
  }

  @Test
  void ollamaShapeIsEnforced() throws Exception {
    String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    assertOllamaError(
        post("/api/chat", chat + "}", Map.of()),
        "LLM emulator: only \"stream\": false is supported (Ollama streams by default)");
    assertOllamaError(
        post("/api/chat", "{\"model\":\"m\",\"stream\":false}", Map.of()), "messages is required");
    assertOllamaError(
        post("/api/chat", chat + ",\"stream\":false,\"max_tokens\":5}", Map.of()),
        "LLM emulator: unknown field \"max_tokens\"");
    assertOllamaError(
        post("/api/chat", chat + ",\"stream\":false,\"options\":{\"max_tokens\":5}}", Map.of()),
        "LLM emulator: invalid option \"max_tokens\"");
    assertThat(post("/api/chat", chat + ",\"stream\":false}", Map.of()).statusCode())
        .isEqualTo(200);
  }

  private static void assertAnthropicError(
      HttpResponse<String> response, int status, String type, String message) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.get("type").asText()).isEqualTo("error");
    assertThat(body.get("error").get("type").asText()).isEqualTo(type);
    assertThat(body.get("error").get("message").asText()).isEqualTo(message);
  }

  private static void assertOllamaError(HttpResponse<String> response, String message)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo(message);
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(root + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }
}
