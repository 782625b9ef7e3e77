package io.logicgraph.worker.ai.provider;

import static io.logicgraph.worker.ai.provider.ProviderTests.TIMEOUT;
import static io.logicgraph.worker.ai.provider.ProviderTests.expect;
import static io.logicgraph.worker.ai.provider.ProviderTests.lastRequest;
import static io.logicgraph.worker.ai.provider.ProviderTests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** OllamaProvider against the LLM emulator's non-streaming chat API. */
@QuarkusTest
@QuarkusTestResource(AiTestResource.class)
class OllamaProviderTest {
  private static final String PATH = "/api/chat";

  @Inject Vertx vertx;

  @ConfigProperty(name = "worker-ai.ollama.base-url")
  String baseUrl;

  private OllamaProvider provider;

  @BeforeEach
  void create() {
    provider = provider(baseUrl);
  }

  @Test
  void sendsANonStreamingChatRequestAndReadsTheAnswer() throws Exception {
    Completion completion =
        complete(
            new ChatRequest(
                "llama3.2", "You are terse.", "Explain the reorder decision please", 0.2, 50));

    assertThat(completion.content()).isEqualTo("[emulator] Explain the reorder decision please");
    assertThat(completion.model()).isEqualTo("llama3.2");
    assertThat(completion.finishReason()).isEqualTo("stop");
    assertThat(completion.promptTokens()).isEqualTo(8);
    assertThat(completion.completionTokens()).isEqualTo(6);
    provider.checkConfigured();

    JsonNode seen = lastRequest(baseUrl, PATH);
    assertThat(seen.get("method").asText()).isEqualTo("POST");
    assertThat(seen.get("content_type").asText()).isEqualTo("application/json");
    assertThat(seen.get("headers").has("authorization")).isFalse();
    assertThat(seen.get("headers").has("x-api-key")).isFalse();
    assertThat(seen.get("body").toString())
        .isEqualTo(
            "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"system\",\"content\":\"You are"
                + " terse.\"},{\"role\":\"user\",\"content\":\"Explain the reorder decision"
                + " please\"}],\"stream\":false,\"options\":{\"temperature\":0.2,"
                + "\"num_predict\":50}}");
  }

  @Test
  void noOptionsUnlessTheNodeSetsThemAndNumPredictCutsTheAnswer() throws Exception {
    complete(request("llama3.2"));
    assertThat(lastRequest(baseUrl, PATH).get("body").toString())
        .isEqualTo(
            "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hello"
                + " there\"}],\"stream\":false}");

    Completion cut = complete(new ChatRequest("llama3.2", null, "one two three four", null, 2));
    assertThat(cut.content()).isEqualTo("[emulator] one");
    assertThat(cut.finishReason()).isEqualTo("length");
    assertThat(lastRequest(baseUrl, PATH).get("body").get("options").toString())
        .isEqualTo("{\"num_predict\":2}");
  }

  @Test
  void anUnknownModelIsPermanentWithOllamasMessage() {
    expect(
        () -> complete(request("emulator-404")),
        false,
        e -> {
          assertThat(e.status()).isEqualTo("404");
          assertThat(e.getMessage())
              .isEqualTo(
                  "ollama answered 404: model \"emulator-404\" not found, try pulling it first");
          assertThat(e.hint()).contains("ollama pull emulator-404");
        });
  }

  @Test
  void serverErrorsAndBusyAreRetryable() {
    expect(
        () -> complete(request("emulator-500")),
        true,
        e ->
            assertThat(e.getMessage())
                .isEqualTo(
                    "ollama answered 500: llama runner process has terminated: exit status 2"));
    expect(
        () -> complete(request("emulator-429")),
        true,
        e -> assertThat(e.hint()).endsWith("Retry-After: 1 s"));
  }

  @Test
  void malformedSuccessIsPermanent() {
    expect(
        () -> complete(request("emulator-malformed")),
        false,
        e -> assertThat(e.getMessage()).isEqualTo("malformed response from ollama"));
  }

  @Test
  void hangingOrUnreachableServersAreRetryable() {
    expect(
        () ->
            provider
                .complete(request("emulator-hang"), Duration.ofMillis(800))
                .await()
                .atMost(TIMEOUT),
        true,
        e -> assertThat(e.getMessage()).isEqualTo("ollama did not answer within 800 ms"));
    OllamaProvider nowhere = provider("http://127.0.0.1:1");
    expect(
        () -> nowhere.complete(request("llama3.2"), TIMEOUT).await().atMost(TIMEOUT),
        true,
        e -> {
          assertThat(e.status()).isEqualTo("connection");
          assertThat(e.hint()).isEqualTo("check OLLAMA_BASE_URL and the network");
        });
  }

  private Completion complete(ChatRequest request) {
    return ProviderTests.complete(provider, request);
  }

  private OllamaProvider provider(String url) {
    return new OllamaProvider(
        WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000)),
        url,
        "llama3.2",
        Duration.ofSeconds(60));
  }
}
