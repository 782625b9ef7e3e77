package io.logicgraph.worker.ai.provider;

import static io.logicgraph.worker.ai.provider.ProviderTests.TIMEOUT;
import static io.logicgraph.worker.ai.provider.ProviderTests.breaker;
import static io.logicgraph.worker.ai.provider.ProviderTests.bulkhead;
import static io.logicgraph.worker.ai.provider.ProviderTests.expect;
import static io.logicgraph.worker.ai.provider.ProviderTests.failure;
import static io.logicgraph.worker.ai.provider.ProviderTests.lastRequest;
import static io.logicgraph.worker.ai.provider.ProviderTests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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

/** OpenAiProvider and GuardedProvider against the LLM emulator process. */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class OpenAiProviderTest {
  @Inject Vertx vertx;

  @ConfigProperty(name = "worker-ai.openai.base-url")
  String baseUrl;

  private OpenAiProvider provider;

  @BeforeEach
  void create() {
    provider = provider(baseUrl, AiTestResource.API_KEY);
  }

  @Test
  void sendsAnOpenAiShapedRequestAndReadsTheCompletion() throws Exception {
    Completion completion =
        complete(
            new ChatRequest(
                "gpt-4o-mini", "You are terse.", "Explain the reorder decision please", 0.2, 50));

    assertThat(completion.content()).isEqualTo("[emulator] Explain the reorder decision please");
    assertThat(completion.model()).isEqualTo("gpt-4o-mini");
    assertThat(completion.finishReason()).isEqualTo("stop");
    assertThat(completion.promptTokens()).isEqualTo(8);
    assertThat(completion.completionTokens()).isEqualTo(6);

    JsonNode seen = lastRequest(baseUrl, "/v1/chat/completions");
    assertThat(seen.get("method").asText()).isEqualTo("POST");
    assertThat(seen.get("content_type").asText()).isEqualTo("application/json");
    assertThat(seen.get("authorization").asText()).isEqualTo("Bearer sk-…cdef");
    assertThat(seen.get("body").toString())
        .isEqualTo(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are"
                + " terse.\"},{\"role\":\"user\",\"content\":\"Explain the reorder decision"
                + " please\"}],\"temperature\":0.2,\"max_tokens\":50}");
  }

  @Test
  void rateLimitIsRetryableWithRetryAfterInTheHint() {
    expect(
        () -> complete(request("emulator-429")),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("429");
          assertThat(e.getMessage()).contains("Rate limit reached");
          assertThat(e.hint()).contains("Retry-After: 1 s");
        });
  }

  @Test
  void serverErrorsAreRetryable() {
    expect(
        () -> complete(request("emulator-500")),
        true,
        e -> assertThat(e.status()).isEqualTo("500"));
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
          assertThat(e.getMessage()).isEqualTo("openai did not answer within 800 ms");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void malformedSuccessIsPermanent() {
    expect(
        () -> complete(request("emulator-malformed")),
        false,
        e -> assertThat(e.getMessage()).isEqualTo("malformed response from openai"));
  }

  @Test
  void rejectedRequestsArePermanentWithTheProviderMessageAndNoKey() {
    expect(
        () -> complete(request("emulator-401")),
        false,
        e -> {
          assertThat(e.status()).isEqualTo("401");
          assertThat(e.getMessage()).contains("Incorrect API key provided: ***");
          assertThat(e.getMessage() + e.hint()).doesNotContain(AiTestResource.API_KEY);
        });
    expect(
        () -> complete(new ChatRequest("gpt-4o-mini", null, "hi", 5.0, null)),
        false,
        e -> {
          assertThat(e.status()).isEqualTo("400");
          assertThat(e.getMessage()).contains("Invalid 'temperature'");
        });
    OpenAiProvider wrongKey = provider(baseUrl, "sk-wrong-key-000000");
    expect(
        () -> wrongKey.complete(request("gpt-4o-mini"), TIMEOUT).await().atMost(TIMEOUT),
        false,
        e -> assertThat(e.getMessage()).doesNotContain("sk-wrong-key-000000"));
  }

  @Test
  void unreachableProviderIsRetryable() {
    OpenAiProvider nowhere = provider("http://127.0.0.1:1/v1", AiTestResource.API_KEY);
    expect(
        () -> nowhere.complete(request("gpt-4o-mini"), TIMEOUT).await().atMost(TIMEOUT),
        true,
        e -> assertThat(e.status()).isEqualTo("connection"));
  }

  @Test
  void missingKeyIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                provider(baseUrl, null)
                    .complete(request("gpt-4o-mini"), TIMEOUT)
                    .await()
                    .atMost(TIMEOUT))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E004);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo("provider openai is not configured (set OPENAI_API_KEY)");
            });
  }

  @Test
  void circuitOpensAfterRepeatedFailuresAndClosesAgain() {
    GuardedProvider guarded =
        new GuardedProvider(
            "test-breaker", provider, breaker(4, Duration.ofSeconds(1)), bulkhead(4, 4));
    // Permanent failures say nothing about the provider's health and never open the breaker.
    for (int i = 0; i < 4; i++) {
      expect(
          () -> guarded.complete(request("emulator-401"), TIMEOUT).await().atMost(TIMEOUT),
          false,
          e -> {});
    }
    // Retryable failures do: the rolling window of 4 calls reaches the 0.5 failure ratio.
    int serverErrors = 0;
    while (failure(guarded, "emulator-500").status().equals("500")) {
      serverErrors++;
      assertThat(serverErrors).isLessThanOrEqualTo(4);
    }
    assertThat(serverErrors).isGreaterThanOrEqualTo(2);
    expect(
        () -> guarded.complete(request("gpt-4o-mini"), TIMEOUT).await().atMost(TIMEOUT),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("circuit_open");
          assertThat(e.getMessage()).startsWith("circuit open");
        });
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () ->
                guarded.complete(request("gpt-4o-mini"), TIMEOUT).await().atMost(TIMEOUT) != null);
  }

  private Completion complete(ChatRequest request) {
    return ProviderTests.complete(provider, request);
  }

  private OpenAiProvider provider(String url, String key) {
    return new OpenAiProvider(
        WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000)),
        url,
        key,
        "gpt-4o-mini",
        Duration.ofSeconds(60));
  }
}
