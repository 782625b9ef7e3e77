package io.logicgraph.worker.ai.messaging;

import io.logicgraph.worker.ai.LlmEmulatorProcess;
import java.util.Map;

/** RabbitMQ on this module's virtual host, plus the LLM emulator as the OpenAI endpoint. */
public class AiTestResource extends RabbitTestResource {
  /** The key the worker sends and the emulator requires. */
  public static final String API_KEY = "sk-test-worker-ai-0123456789abcdef";

  private LlmEmulatorProcess emulator;

  @Override
  public Map<String, String> start() {
    emulator = LlmEmulatorProcess.start(API_KEY);
    Map<String, String> properties = super.start();
    properties.put("worker-ai.openai.base-url", emulator.baseUrl());
    properties.put("worker-ai.openai.api-key", API_KEY);
    properties.put("worker-ai.openai.default-model", "emulator-default");
    return properties;
  }

  @Override
  public void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }
}
