package io.logicgraph.worker.ai.messaging;

import io.logicgraph.worker.ai.LlmEmulatorProcess;
import java.util.Map;

/**
 * RabbitMQ on this module's virtual host, plus the LLM emulator as the OpenAI, Anthropic and Ollama
 * endpoint. With the init argument {@code keys=none} no provider key is configured.
 */
public class AiTestResource extends RabbitTestResource {
  /** The key the worker sends (bearer and x-api-key) and the emulator requires. */
  public static final String API_KEY = "sk-test-worker-ai-0123456789abcdef";

  private LlmEmulatorProcess emulator;
  private boolean withKeys = true;

  @Override
  public void init(Map<String, String> initArgs) {
    withKeys = !"none".equals(initArgs.get("keys"));
  }

  @Override
  public Map<String, String> start() {
    emulator = LlmEmulatorProcess.start(API_KEY);
    Map<String, String> properties = super.start();
    properties.put("worker-ai.openai.base-url", emulator.baseUrl());
    properties.put("worker-ai.openai.api-key", withKeys ? API_KEY : "");
    properties.put("worker-ai.openai.default-model", "emulator-default");
    properties.put("worker-ai.anthropic.base-url", emulator.root());
    properties.put("worker-ai.anthropic.api-key", withKeys ? API_KEY : "");
    properties.put("worker-ai.anthropic.default-model", "emulator-default");
    properties.put("worker-ai.ollama.base-url", emulator.root());
    properties.put("worker-ai.ollama.default-model", "emulator-default");
    return properties;
  }

  @Override
  public void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }
}
