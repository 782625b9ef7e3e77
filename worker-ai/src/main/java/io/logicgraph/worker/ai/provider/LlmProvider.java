package io.logicgraph.worker.ai.provider;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** One LLM provider API (OpenAI now; Anthropic and Ollama follow the same contract). */
public interface LlmProvider {
  /** The provider's name in node configs and metrics, e.g. {@code openai}. */
  String name();

  /** The model used when a node names none. */
  String defaultModel();

  /**
   * Asks for one completion; fails with a {@link ProviderException} (or another {@link
   * io.logicgraph.model.error.LogicGraphException}) telling whether trying again can help, within
   * {@code timeout}.
   */
  Uni<Completion> complete(ChatRequest request, Duration timeout);
}
