package io.logicgraph.worker.ai.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.logicgraph.worker.ai.AiConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;

/**
 * Ollama chat API, non-streaming: {@code POST <base>/api/chat} with {@code {model, messages:
 * [system?, user], stream: false, options: {temperature?, num_predict?}}} and no key. A model the
 * server does not have answers 404, a permanent failure.
 */
public final class OllamaProvider extends HttpLlmProvider {
  public OllamaProvider(Vertx vertx, AiConfig.Ollama config, int maxConnections) {
    this(
        webClient(vertx, config.connectTimeout(), maxConnections),
        config.baseUrl(),
        config.defaultModel(),
        config.requestTimeout());
  }

  OllamaProvider(WebClient client, String baseUrl, String defaultModel, Duration requestTimeout) {
    super("ollama", client, endpoint(baseUrl, "/api/chat"), null, defaultModel, requestTimeout);
  }

  @Override
  protected ObjectNode body(ChatRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.model());
    var messages = body.putArray("messages");
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      messages.addObject().put("role", "system").put("content", request.systemPrompt());
    }
    messages.addObject().put("role", "user").put("content", request.prompt());
    // Ollama streams by default; one JSON answer is what this worker reads.
    body.put("stream", false);
    if (request.temperature() != null || request.maxTokens() != null) {
      ObjectNode options = body.putObject("options");
      if (request.temperature() != null) {
        options.put("temperature", request.temperature());
      }
      if (request.maxTokens() != null) {
        options.put("num_predict", request.maxTokens());
      }
    }
    return body;
  }

  @Override
  protected HttpRequest<Buffer> headers(HttpRequest<Buffer> request) {
    return request;
  }

  @Override
  protected Completion parse(JsonNode answer) throws IOException {
    JsonNode content = answer.path("message").path("content");
    if (!content.isTextual()) {
      throw new IOException("no message.content");
    }
    return new Completion(
        content.textValue(),
        answer.path("model").asText(null),
        answer.path("done_reason").asText(null),
        answer.path("prompt_eval_count").asInt(0),
        answer.path("eval_count").asInt(0));
  }

  @Override
  protected String rejectedHint(int status, ChatRequest request) {
    if (status == 404) {
      return "the Ollama server has no model '"
          + request.model()
          + "': pull it there (ollama pull "
          + request.model()
          + "), change the node's model, or check OLLAMA_BASE_URL";
    }
    return super.rejectedHint(status, request);
  }

  @Override
  protected String keySetting() {
    return null;
  }

  @Override
  protected String addressSetting() {
    return "OLLAMA_BASE_URL";
  }
}
