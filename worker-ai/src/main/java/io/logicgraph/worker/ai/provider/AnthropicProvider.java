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
 * Anthropic Messages API: {@code POST <base>/v1/messages} with {@code x-api-key} and {@code
 * anthropic-version} headers and {@code {model, max_tokens, system?, messages: [user],
 * temperature?}}. {@code max_tokens} is required by the API, so nodes without one get the
 * configured default. The answer's text blocks are joined; {@code stop_reason} is reported in the
 * OpenAI vocabulary every LLM node shares ({@code end_turn}, {@code stop_sequence} → {@code stop},
 * {@code max_tokens} → {@code length}, anything else as sent).
 */
public final class AnthropicProvider extends HttpLlmProvider {
  /** The Messages API version this client speaks. */
  public static final String API_VERSION = "2023-06-01";

  private final int defaultMaxTokens;

  public AnthropicProvider(Vertx vertx, AiConfig.Anthropic config, int maxConnections) {
    this(
        webClient(vertx, config.connectTimeout(), maxConnections),
        config.baseUrl(),
        config.apiKey().orElse(null),
        config.defaultModel(),
        config.defaultMaxTokens(),
        config.requestTimeout());
  }

  AnthropicProvider(
      WebClient client,
      String baseUrl,
      String apiKey,
      String defaultModel,
      int defaultMaxTokens,
      Duration requestTimeout) {
    super(
        "anthropic",
        client,
        endpoint(baseUrl, "/v1/messages"),
        apiKey,
        defaultModel,
        requestTimeout);
    this.defaultMaxTokens = defaultMaxTokens;
  }

  @Override
  protected ObjectNode body(ChatRequest request) {
    ObjectNode body =
        Json.MAPPER
            .createObjectNode()
            .put("model", request.model())
            .put(
                "max_tokens", request.maxTokens() == null ? defaultMaxTokens : request.maxTokens());
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      body.put("system", request.systemPrompt());
    }
    body.putArray("messages").addObject().put("role", "user").put("content", request.prompt());
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    return body;
  }

  @Override
  protected HttpRequest<Buffer> headers(HttpRequest<Buffer> request) {
    return request.putHeader("x-api-key", secret()).putHeader("anthropic-version", API_VERSION);
  }

  @Override
  protected Completion parse(JsonNode answer) throws IOException {
    JsonNode blocks = answer.path("content");
    if (!blocks.isArray()) {
      throw new IOException("no content array");
    }
    StringBuilder content = new StringBuilder();
    for (JsonNode block : blocks) {
      if ("text".equals(block.path("type").asText())) {
        if (!block.path("text").isTextual()) {
          throw new IOException("a text block without text");
        }
        content.append(block.path("text").textValue());
      }
    }
    JsonNode usage = answer.path("usage");
    return new Completion(
        content.toString(),
        answer.path("model").asText(null),
        finishReason(answer.path("stop_reason").asText(null)),
        usage.path("input_tokens").asInt(0),
        usage.path("output_tokens").asInt(0));
  }

  private static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens" -> "length";
      default -> stopReason;
    };
  }

  @Override
  protected String keySetting() {
    return "ANTHROPIC_API_KEY";
  }

  @Override
  protected String addressSetting() {
    return "ANTHROPIC_BASE_URL";
  }
}
