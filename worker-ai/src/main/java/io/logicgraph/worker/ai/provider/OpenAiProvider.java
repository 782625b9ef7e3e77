package io.logicgraph.worker.ai.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.Json;
import io.logicgraph.worker.ai.AiConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * OpenAI-compatible chat completions ({@code POST <base>/chat/completions}) over a non-blocking
 * Vert.x WebClient. The key is sent as a bearer token and never appears in errors, even when the
 * provider quotes it back.
 */
public final class OpenAiProvider implements LlmProvider {
  /** Longest provider message passed on in an error. */
  private static final int MAX_MESSAGE = 500;

  private final WebClient client;
  private final String url;
  private final String apiKey;
  private final String defaultModel;

  public OpenAiProvider(Vertx vertx, AiConfig.OpenAi config, int maxConnections) {
    this(
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(maxConnections)
                .setKeepAlive(true)
                .setUserAgent("logic-graph-worker-ai")),
        config.baseUrl(),
        config.apiKey().orElse(null),
        config.defaultModel());
  }

  OpenAiProvider(WebClient client, String baseUrl, String apiKey, String defaultModel) {
    this.client = client;
    this.url = baseUrl.replaceAll("/+$", "") + "/chat/completions";
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    this.defaultModel = defaultModel;
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String defaultModel() {
    return defaultModel;
  }

  @Override
  public Uni<Completion> complete(ChatRequest request, Duration timeout) {
    if (apiKey == null) {
      return Uni.createFrom()
          .failure(
              new LogicGraphException(
                  ErrorCode.E004,
                  "no OpenAI API key is configured on worker-ai",
                  false,
                  "set OPENAI_API_KEY"));
    }
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
    return client
        .postAbs(url)
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + apiKey)
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
        .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
        .timeout(timeout.toMillis())
        .sendBuffer(Buffer.buffer(body.toString()))
        // The WebClient timeout is an idle timeout; this bounds a slowly dripping answer too.
        .ifNoItem()
        .after(timeout)
        .failWith(TimeoutException::new)
        .onFailure()
        .transform(e -> transportFailure(e, timeout))
        .map(this::completion);
  }

  private Completion completion(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return parse(response.bodyAsString());
    }
    String message = "openai answered " + status + ": " + providerMessage(response.bodyAsString());
    if (status == 429) {
      String retryAfter = response.getHeader("Retry-After");
      throw new ProviderException(
          "429",
          message,
          true,
          "rate limited by the provider"
              + (retryAfter == null ? "" : "; Retry-After: " + retryAfter.trim() + " s"));
    }
    if (status >= 500 || status == 408) {
      throw new ProviderException(String.valueOf(status), message, true, "the provider is failing");
    }
    throw new ProviderException(
        String.valueOf(status),
        message,
        false,
        status == 401 || status == 403
            ? "check OPENAI_API_KEY on worker-ai"
            : "fix the node's model, prompt or sampling settings");
  }

  private Completion parse(String text) {
    try {
      JsonNode json = Json.MAPPER.readTree(text == null ? "" : text);
      JsonNode choice = json.path("choices").path(0);
      JsonNode content = choice.path("message").path("content");
      if (!choice.isObject() || !(content.isTextual() || content.isNull())) {
        throw new IOException("no choices[0].message.content");
      }
      JsonNode usage = json.path("usage");
      return new Completion(
          content.isNull() ? "" : content.textValue(),
          json.path("model").asText(null),
          choice.path("finish_reason").asText(null),
          usage.path("prompt_tokens").asInt(0),
          usage.path("completion_tokens").asInt(0));
    } catch (IOException | RuntimeException e) {
      throw new ProviderException(
          "malformed",
          "malformed response from openai",
          false,
          "the provider answered 2xx with a body that is not a chat completion");
    }
  }

  private Throwable transportFailure(Throwable failure, Duration timeout) {
    if (failure instanceof LogicGraphException) {
      return failure;
    }
    String reason = failure.getMessage() == null ? "" : failure.getMessage();
    if (failure instanceof TimeoutException || reason.toLowerCase().contains("timeout")) {
      return new ProviderException(
          "timeout",
          "openai did not answer within " + timeout.toMillis() + " ms",
          true,
          "the provider is slow; raise the node's timeout_ms if answers are long");
    }
    return new ProviderException(
        "connection",
        "cannot reach openai: " + redact(reason),
        true,
        "check OPENAI_BASE_URL and the network");
  }

  /** The provider's own error message (OpenAI's {@code error.message}), key removed. */
  private String providerMessage(String body) {
    String message = body == null ? "" : body;
    try {
      JsonNode error = Json.MAPPER.readTree(message).path("error");
      if (error.path("message").isTextual()) {
        message = error.path("message").textValue();
      } else if (error.isTextual()) {
        message = error.textValue();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: pass the text on
    }
    message = redact(message);
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
  }

  private String redact(String text) {
    return apiKey == null || text == null ? text : text.replace(apiKey, "***");
  }
}
