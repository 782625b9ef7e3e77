package io.logicgraph.worker.ai.provider;

/** A provider's answer, normalized across providers. */
public record Completion(
    String content, String model, String finishReason, int promptTokens, int completionTokens) {}
