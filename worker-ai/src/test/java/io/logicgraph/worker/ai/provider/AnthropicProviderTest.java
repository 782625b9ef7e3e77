package io.logicgraph.worker.ai.provider;

import static io.logicgraph.worker.ai.provider.ProviderTests.TIMEOUT;
import static io.logicgraph.worker.ai.provider.ProviderTests.expect;
import static io.logicgraph.worker.ai.provider.ProviderTests.lastRequest;
import static io.logicgraph.worker.ai.provider.ProviderTests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.worker.ai.messaging.AiTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AnthropicProvider against the LLM emulator's Messages API, which rejects wrong shapes. */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class AnthropicProviderTest {
  private static final String PATH = "/v1/messages";

  @Inject Vertx vertx;

  @ConfigProperty(name = "worker-ai.anthropic.base-url")
  String baseUrl;

  private AnthropicProvider provider;

  @BeforeEach
  void create() {
    provider = provider(baseUrl, AiTestResource.API_KEY);
  }

  @Test
  void sendsAMessagesRequestAndJoinsTheTextBlocks() throws Exception {
    Completion completion =
        complete(
            new ChatRequest(
                "claude-haiku-4-5",
                "You are terse.",
                "Explain the reorder decision please",
                0.2,
                50));

    // The emulator answers in two text blocks: "[emulator] " and the rest.
    assertThat(completion.content()).isEqualTo("[emulator] Explain the reorder decision please");
    assertThat(completion.model()).isEqualTo("claude-haiku-4-5");
    assertThat(completion.finishReason()).as("end_turn").isEqualTo("stop");
    assertThat(completion.promptTokens()).isEqualTo(8);
    assertThat(completion.completionTokens()).isEqualTo(6);

    JsonNode seen = lastRequest(baseUrl, PATH);
    assertThat(seen.get("method").asText()).isEqualTo("POST");
    JsonNode headers = seen.get("headers");
    assertThat(headers.get("x-api-key").asText()).isEqualTo("sk-…cdef");
    assertThat(headers.get("anthropic-version").asText()).isEqualTo("2023-06-01");
    assertThat(headers.get("content-type").asText()).isEqualTo("application/json");
    assertThat(headers.has("authorization")).isFalse();
    assertThat(seen.get("body").toString())
        .isEqualTo(
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"system\":\"You are terse.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Explain the reorder decision"
                + " please\"}],\"temperature\":0.2}");
  }

  @Test
  void maxTokensDefaultsFromConfigurationAndALengthStopIsReported() throws Exception {
    complete(new ChatRequest("claude-haiku-4-5", null, "hello there", null, null));
    assertThat(lastRequest(baseUrl, PATH).get("body").toString())
        .isEqualTo(
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":1024,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");

    Completion cut =
        complete(new ChatRequest("claude-haiku-4-5", null, "one two three four five", null, 3));
    assertThat(cut.content()).isEqualTo("[emulator] one two");
    assertThat(cut.finishReason()).as("max_tokens").isEqualTo("length");
  }

  @Test
  void rateLimitIsRetryableWithRetryAfterInTheHint() {
    expect(
        () -> complete(request("emulator-429")),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("429");
          assertThat(e.getMessage())
              .startsWith("anthropic answered 429: This request would exceed the rate limit")
              .endsWith("(rate_limit_error)");
          assertThat(e.hint()).isEqualTo("rate limited by the provider; Retry-After: 1 s");
        });
  }

  @Test
  void overloadedAndServerErrorsAreRetryable() {
    expect(
        () -> complete(request("emulator-529")),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("529");
          assertThat(e.getMessage())
              .isEqualTo("anthropic answered 529: Overloaded (overloaded_error)");
          assertThat(e.hint()).isEqualTo("the provider is overloaded");
        });
    expect(
        () -> complete(request("emulator-500")),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("500");
          assertThat(e.getMessage())
              .isEqualTo("anthropic answered 500: Internal server error (api_error)");
        });
  }

  @Test
  void aHangingProviderTimesOutRetryably() {
    long started = System.nanoTime();
    expect(
        () ->
            provider
                .complete(request("emulator-hang"), Duration.ofMillis(800))
                .await()
                .atMost(TIMEOUT),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("timeout");
          assertThat(e.getMessage()).isEqualTo("anthropic did not answer within 800 ms");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void malformedSuccessIsPermanent() {
    expect(
        () -> complete(request("emulator-malformed")),
        false,
        e -> assertThat(e.getMessage()).isEqualTo("malformed response from anthropic"));
  }

  @Test
  void rejectedRequestsArePermanentWithTheProviderMessageAndNoKey() {
    expect(
        () -> complete(request("emulator-401")),
        false,
        e -> {
          assertThat(e.status()).isEqualTo("401");
          assertThat(e.getMessage())
              .isEqualTo("anthropic answered 401: invalid x-api-key: *** (authentication_error)");
          assertThat(e.hint()).isEqualTo("check ANTHROPIC_API_KEY on worker-ai");
        });
    expect(
        () -> complete(new ChatRequest("claude-haiku-4-5", null, "hi", 1.5, null)),
        false,
        e -> {
          assertThat(e.status()).isEqualTo("400");
          assertThat(e.getMessage())
              .isEqualTo(
                  "anthropic answered 400: temperature: Input should be less than or equal to 1"
                      + " (invalid_request_error)");
        });
    expect(
        () -> complete(request("emulator-404")),
        false,
        e -> assertThat(e.getMessage()).contains("model: emulator-404 (not_found_error)"));
    AnthropicProvider wrongKey = provider(baseUrl, "sk-ant-wrong-key-000000");
    expect(
        () -> wrongKey.complete(request("emulator-401"), TIMEOUT).await().atMost(TIMEOUT),
        false,
        e -> {
          assertThat(e.getMessage())
              .isEqualTo("anthropic answered 401: invalid x-api-key (authentication_error)");
          assertThat(e.getMessage() + e.hint()).doesNotContain("sk-ant-wrong-key-000000");
        });
  }

  @Test
  void unreachableProviderIsRetryable() {
    AnthropicProvider nowhere = provider("http://127.0.0.1:1", AiTestResource.API_KEY);
    expect(
        () -> nowhere.complete(request("claude-haiku-4-5"), TIMEOUT).await().atMost(TIMEOUT),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("connection");
          assertThat(e.hint()).isEqualTo("check ANTHROPIC_BASE_URL and the network");
        });
  }

  @Test
  void missingKeyIsAConfigurationError() {
    AnthropicProvider unconfigured = provider(baseUrl, "");
    assertThatThrownBy(unconfigured::checkConfigured)
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E004);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo("provider anthropic is not configured (set ANTHROPIC_API_KEY)");
            });
    assertThatThrownBy(
            () ->
                unconfigured.complete(request("claude-haiku-4-5"), TIMEOUT).await().atMost(TIMEOUT))
        .isInstanceOfSatisfying(
            LogicGraphException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.E004));
  }

  private Completion complete(ChatRequest request) {
    return ProviderTests.complete(provider, request);
  }

  private AnthropicProvider provider(String url, String key) {
    return new AnthropicProvider(
        WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000)),
        url,
        key,
        "claude-haiku-4-5",
        1024,
        Duration.ofSeconds(60));
  }
}
