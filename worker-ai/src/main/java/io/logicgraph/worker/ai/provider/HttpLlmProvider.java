package io.logicgraph.worker.ai.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What every HTTP/JSON provider shares: one POST per completion over a non-blocking Vert.x
 * WebClient within a timeout, and one mapping of answers to failures (E008, retryable or not). A
 * provider adds its URL, headers, request body and how to read a successful answer. The key is
 * removed from every message, even when the provider quotes it back.
 */
public abstract class HttpLlmProvider implements LlmProvider {
  /** Longest provider message passed on in an error. */
  private static final int MAX_MESSAGE = 500;

  private final String name;
  private final WebClient client;
  private final String url;
  private final String secret;
  private final String defaultModel;
  private final Duration requestTimeout;

  /**
   * @param url the full endpoint URL (from configuration only)
   * @param secret the key sent to the provider, removed from every message; null when none
   */
  protected HttpLlmProvider(
      String name,
      WebClient client,
      String url,
      String secret,
      String defaultModel,
      Duration requestTimeout) {
    this.name = name;
    this.client = client;
    this.url = url;
    this.secret = secret == null || secret.isBlank() ? null : secret;
    this.defaultModel = defaultModel;
    this.requestTimeout = requestTimeout;
  }

  /** A client with its own connection pool, so one provider's slow calls never hold another's. */
  protected static WebClient webClient(Vertx vertx, Duration connectTimeout, int maxConnections) {
    return WebClient.create(
        vertx,
        new WebClientOptions()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setMaxPoolSize(maxConnections)
            .setKeepAlive(true)
            .setUserAgent("logic-graph-worker-ai"));
  }

  /** {@code base} without trailing slashes, then {@code path}. */
  protected static String endpoint(String base, String path) {
    return base.replaceAll("/+$", "") + path;
  }

  /** The request body (the provider's JSON shape). */
  protected abstract ObjectNode body(ChatRequest request);

  /** Adds the provider's headers (key, version) to a JSON POST. */
  protected abstract HttpRequest<Buffer> headers(HttpRequest<Buffer> request);

  /** Reads a 2xx answer; throws when it does not have the provider's shape. */
  protected abstract Completion parse(JsonNode answer) throws IOException;

  /** The setting holding the key (e.g. {@code ANTHROPIC_API_KEY}); null for keyless providers. */
  protected abstract String keySetting();

  /** The setting that locates the provider (e.g. {@code OLLAMA_BASE_URL}). */
  protected abstract String addressSetting();

  /** The key, for the provider's headers; null when none is configured. */
  protected final String secret() {
    return secret;
  }

  /** What to do about a refused request (4xx other than 408 and 429). */
  protected String rejectedHint(int status, ChatRequest request) {
    return switch (status) {
      case 401, 403 ->
          keySetting() == null
              ? "the server at " + addressSetting() + " refused the request"
              : "check " + keySetting() + " on worker-ai";
      case 404 -> "check the node's model: '" + request.model() + "' is not available";
      default -> "fix the node's model, prompt or sampling settings";
    };
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String defaultModel() {
    return defaultModel;
  }

  @Override
  public final Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public final void checkConfigured() {
    String missing = keySetting() != null && secret == null ? keySetting() : null;
    if (missing != null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "provider " + name + " is not configured (set " + missing + ")",
          false,
          "provider endpoints and keys are set on worker-ai, never in a graph");
    }
  }

  @Override
  public final Uni<Completion> complete(ChatRequest request, Duration timeout) {
    try {
      checkConfigured();
    } catch (LogicGraphException e) {
      return Uni.createFrom().failure(e);
    }
    HttpRequest<Buffer> post =
        client
            .postAbs(url)
            .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
            .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
            .timeout(timeout.toMillis());
    return headers(post)
        .sendBuffer(Buffer.buffer(body(request).toString()))
        // The WebClient timeout is an idle timeout; this bounds a slowly dripping answer too.
        .ifNoItem()
        .after(timeout)
        .failWith(TimeoutException::new)
        .onFailure()
        .transform(e -> transportFailure(e, timeout))
        .map(response -> completion(response, request));
  }

  private Completion completion(HttpResponse<Buffer> response, ChatRequest request) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        Buffer body = response.body();
        return parse(Json.MAPPER.readTree(body == null ? new byte[0] : body.getBytes()));
      } catch (IOException | RuntimeException e) {
        throw new ProviderException(
            "malformed",
            "malformed response from " + name,
            false,
            "the provider answered " + status + " with a body that is not a " + name + " answer");
      }
    }
    String message = name + " answered " + status + ": " + providerMessage(response.bodyAsString());
    String retryAfter = response.getHeader("Retry-After");
    String wait = "";
    if (retryAfter != null && !retryAfter.isBlank()) {
      // Seconds, or an HTTP date as sent.
      String value = redact(retryAfter.trim());
      wait = "; Retry-After: " + value + (value.matches("\\d+(\\.\\d+)?") ? " s" : "");
    }
    if (status == 429) {
      throw new ProviderException("429", message, true, "rate limited by the provider" + wait);
    }
    if (status == 529) {
      throw new ProviderException("529", message, true, "the provider is overloaded" + wait);
    }
    if (status >= 500 || status == 408) {
      throw new ProviderException(
          String.valueOf(status), message, true, "the provider is failing" + wait);
    }
    throw new ProviderException(
        String.valueOf(status), message, false, rejectedHint(status, request));
  }

  private Throwable transportFailure(Throwable failure, Duration timeout) {
    if (failure instanceof LogicGraphException) {
      return failure;
    }
    String reason = failure.getMessage() == null ? "" : failure.getMessage();
    if (failure instanceof TimeoutException
        || reason.toLowerCase(Locale.ROOT).contains("timeout")
        || reason.toLowerCase(Locale.ROOT).contains("timed out")) {
      return new ProviderException(
          "timeout",
          name + " did not answer within " + timeout.toMillis() + " ms",
          true,
          "the provider is slow; raise the node's timeout_ms if answers are long");
    }
    return new ProviderException(
        "connection",
        "cannot reach " + name + ": " + redact(reason),
        true,
        "check " + addressSetting() + " and the network");
  }

  /**
   * The provider's own error message, key removed: {@code error.message} (and {@code error.type})
   * for OpenAI and Anthropic, {@code error} for Ollama, else the body's text.
   */
  private String providerMessage(String body) {
    String message = body == null ? "" : body;
    try {
      JsonNode error = Json.MAPPER.readTree(message).path("error");
      if (error.path("message").isTextual()) {
        message = error.path("message").textValue();
        if (error.path("type").isTextual()) {
          message += " (" + error.path("type").textValue() + ")";
        }
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
    return secret == null || text == null ? text : text.replace(secret, "***");
  }
}
