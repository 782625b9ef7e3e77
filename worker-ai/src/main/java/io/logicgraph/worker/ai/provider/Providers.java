package io.logicgraph.worker.ai.provider;

import io.logicgraph.worker.ai.AiConfig;
import io.vertx.mutiny.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The providers worker-ai knows, by name, each behind a circuit breaker and bulkhead of its own.
 */
public final class Providers {
  private Providers() {}

  /**
   * Every provider, configured or not (one without its key fails its nodes with E004; the worker
   * starts anyway).
   *
   * @param breakerPrefix makes the breaker names unique in the process (the fault tolerance runtime
   *     registers them by name)
   */
  public static Map<String, LlmProvider> create(
      Vertx vertx,
      AiConfig config,
      AiConfig.CircuitBreaker breaker,
      AiConfig.Bulkhead bulkhead,
      int maxConnections,
      String breakerPrefix) {
    Map<String, LlmProvider> providers = new LinkedHashMap<>();
    for (LlmProvider provider :
        new LlmProvider[] {
          new OpenAiProvider(vertx, config.openai(), maxConnections),
          new AnthropicProvider(vertx, config.anthropic(), maxConnections),
          new OllamaProvider(vertx, config.ollama(), maxConnections)
        }) {
      providers.put(
          provider.name(),
          new GuardedProvider(breakerPrefix + provider.name(), provider, breaker, bulkhead));
    }
    return Collections.unmodifiableMap(providers);
  }
}
