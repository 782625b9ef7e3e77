package io.logicgraph.worker.ai.provider;

/** One chat completion to ask for: rendered prompts and sampling settings (nullable = default). */
public record ChatRequest(
    String model, String systemPrompt, String prompt, Double temperature, Integer maxTokens) {}
