package io.logicgraph.worker.ai.provider;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** One LLM provider API: OpenAI, Anthropic or Ollama. */
public interface LlmProvider {
  /** The provider's name in node configs and metrics: {@code openai}, {@code anthropic}, ... */
  String name();

  /** The model used when a node names none. */
  String defaultModel();

  /** Upper bound of one call (the attempt's deadline can lower it). */
  Duration requestTimeout();

  /**
   * Throws a permanent E004 {@link io.logicgraph.model.error.LogicGraphException} when the provider
   * cannot be used as configured (e.g. no key); the worker starts either way.
   */
  void checkConfigured();

  /**
   * Asks for one completion; fails with a {@link ProviderException} (or another {@link
   * io.logicgraph.model.error.LogicGraphException}) telling whether trying again can help, within
   * {@code timeout}.
   */
  Uni<Completion> complete(ChatRequest request, Duration timeout);
}
