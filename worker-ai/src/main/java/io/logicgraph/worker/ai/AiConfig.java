package io.logicgraph.worker.ai;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the AI worker. Provider endpoints and keys come from configuration only (no URL is
 * ever taken from a graph).
 */
@ConfigMapping(prefix = "worker-ai")
public interface AiConfig {
  /** The OpenAI-compatible provider (env OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL). */
  OpenAi openai();

  /** Anthropic Messages (env ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_MODEL). */
  Anthropic anthropic();

  /** Ollama chat (env OLLAMA_BASE_URL, OLLAMA_MODEL); no key. */
  Ollama ollama();

  /** Circuit breaker per provider. */
  CircuitBreaker circuitBreaker();

  /** Bulkhead per provider. */
  Bulkhead bulkhead();

  /** OpenAI chat completions. */
  interface OpenAi {
    /** Base URL; {@code /chat/completions} is appended. */
    @WithDefault("https://api.openai.com/v1")
    String baseUrl();

    /** Bearer key; without it OpenAI nodes fail with E004. */
    Optional<String> apiKey();

    /** Model of nodes that name none. */
    @WithDefault("gpt-4o-mini")
    String defaultModel();

    /** Upper bound of one request (the attempt's deadline can lower it). */
    @WithDefault("60s")
    Duration requestTimeout();

    /** Time limit to open a connection. */
    @WithDefault("5s")
    Duration connectTimeout();
  }

  /** Anthropic Messages API. */
  interface Anthropic {
    /** Base URL; {@code /v1/messages} is appended. */
    @WithDefault("https://api.anthropic.com")
    String baseUrl();

    /** Sent as {@code x-api-key}; without it Anthropic nodes fail with E004. */
    Optional<String> apiKey();

    /** Model of nodes that name none. */
    @WithDefault("claude-haiku-4-5")
    String defaultModel();

    /** {@code max_tokens} of nodes that set none (the Messages API requires one). */
    @WithDefault("1024")
    int defaultMaxTokens();

    /** Upper bound of one request (the attempt's deadline can lower it). */
    @WithDefault("60s")
    Duration requestTimeout();

    /** Time limit to open a connection. */
    @WithDefault("5s")
    Duration connectTimeout();
  }

  /** Ollama chat API (non-streaming). */
  interface Ollama {
    /** Base URL; {@code /api/chat} is appended. */
    @WithDefault("http://127.0.0.1:11434")
    String baseUrl();

    /** Model of nodes that name none. */
    @WithDefault("llama3.2")
    String defaultModel();

    /** Upper bound of one request (the attempt's deadline can lower it). */
    @WithDefault("120s")
    Duration requestTimeout();

    /** Time limit to open a connection. */
    @WithDefault("5s")
    Duration connectTimeout();
  }

  /** When a provider counts as down: retryable failures only (429, 5xx, timeouts, refused). */
  interface CircuitBreaker {
    /** Calls in the rolling window. */
    @WithDefault("20")
    int requestVolumeThreshold();

    /** Share of failed calls in the window that opens the breaker. */
    @WithDefault("0.5")
    double failureRatio();

    /** How long the breaker stays open before letting a trial call through. */
    @WithDefault("30s")
    Duration delay();

    /** Successful trial calls that close it again. */
    @WithDefault("1")
    int successThreshold();
  }

  /** Calls to one provider in flight at once, and waiting beyond that. */
  interface Bulkhead {
    @WithDefault("32")
    int limit();

    @WithDefault("32")
    int queueSize();
  }
}
