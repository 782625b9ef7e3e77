package io.logicgraph.worker.ai.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.message.Json;
import io.logicgraph.worker.ai.AiConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the provider tests share: failure expectations, the emulator's record, guard settings. */
public final class ProviderTests {
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ProviderTests() {}

  public static Completion complete(LlmProvider provider, ChatRequest request) {
    return provider.complete(request, TIMEOUT).await().atMost(TIMEOUT.plusSeconds(5));
  }

  public static ChatRequest request(String model) {
    return new ChatRequest(model, null, "hello there", null, null);
  }

  /** The call fails with a provider error (E008) that is retryable or not as given. */
  public static void expect(
      ThrowingCallable call, boolean retryable, Consumer<ProviderException> more) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E008);
              assertThat(e.retryable()).as(e.getMessage()).isEqualTo(retryable);
              more.accept(e);
            });
  }

  /** The retryable failure of one call (asserting it is one). */
  public static ProviderException failure(LlmProvider provider, String model) {
    try {
      provider.complete(request(model), TIMEOUT).await().atMost(TIMEOUT);
    } catch (ProviderException e) {
      assertThat(e.retryable()).as(e.getMessage()).isTrue();
      return e;
    }
    throw new AssertionError("expected a failure from " + model);
  }

  /** The last request the emulator received on {@code path} (headers with keys masked, body). */
  public static JsonNode lastRequest(String emulatorUrl, String path) throws Exception {
    URI uri = URI.create(emulatorUrl).resolve("/emulator/last-request?path=" + path);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    return Json.MAPPER.readTree(response.body());
  }

  public static AiConfig.CircuitBreaker breaker(int volume, Duration delay) {
    return new AiConfig.CircuitBreaker() {
      @Override
      public int requestVolumeThreshold() {
        return volume;
      }

      @Override
      public double failureRatio() {
        return 0.5;
      }

      @Override
      public Duration delay() {
        return delay;
      }

      @Override
      public int successThreshold() {
        return 1;
      }
    };
  }

  public static AiConfig.Bulkhead bulkhead(int limit, int queue) {
    return new AiConfig.Bulkhead() {
      @Override
      public int limit() {
        return limit;
      }

      @Override
      public int queueSize() {
        return queue;
      }
    };
  }
}
