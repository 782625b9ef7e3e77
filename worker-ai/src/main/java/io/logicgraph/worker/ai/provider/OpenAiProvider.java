package io.logicgraph.worker.ai.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.logicgraph.worker.ai.AiConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;

/**
 * OpenAI-compatible chat completions: {@code POST <base>/chat/completions} with a bearer key and
 * {@code {model, messages: [system?, user], temperature?, max_tokens?}}.
 */
public final class OpenAiProvider extends HttpLlmProvider {
  public OpenAiProvider(Vertx vertx, AiConfig.OpenAi config, int maxConnections) {
    this(
        webClient(vertx, config.connectTimeout(), maxConnections),
        config.baseUrl(),
        config.apiKey().orElse(null),
        config.defaultModel(),
        config.requestTimeout());
  }

  OpenAiProvider(
      WebClient client,
      String baseUrl,
      String apiKey,
      String defaultModel,
      Duration requestTimeout) {
    super(
        "openai",
        client,
        endpoint(baseUrl, "/chat/completions"),
        apiKey,
        defaultModel,
        requestTimeout);
  }

  @Override
  protected ObjectNode body(ChatRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.model());
    var messages = body.putArray("messages");
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      messages.addObject().put("role", "system").put("content", request.systemPrompt());
    }
    messages.addObject().put("role", "user").put("content", request.prompt());
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    if (request.maxTokens() != null) {
      body.put("max_tokens", request.maxTokens());
    }
    return body;
  }

  @Override
  protected HttpRequest<Buffer> headers(HttpRequest<Buffer> request) {
    return request.putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + secret());
  }

  @Override
  protected Completion parse(JsonNode answer) throws IOException {
    JsonNode choice = answer.path("choices").path(0);
    JsonNode content = choice.path("message").path("content");
    if (!choice.isObject() || !(content.isTextual() || content.isNull())) {
      throw new IOException("no choices[0].message.content");
    }
    JsonNode usage = answer.path("usage");
    return new Completion(
        content.isNull() ? "" : content.textValue(),
        answer.path("model").asText(null),
        choice.path("finish_reason").asText(null),
        usage.path("prompt_tokens").asInt(0),
        usage.path("completion_tokens").asInt(0));
  }

  @Override
  protected String keySetting() {
    return "OPENAI_API_KEY";
  }

  @Override
  protected String addressSetting() {
    return "OPENAI_BASE_URL";
  }
}
