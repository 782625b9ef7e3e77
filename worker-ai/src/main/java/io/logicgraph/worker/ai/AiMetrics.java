package io.logicgraph.worker.ai;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Provider-side metrics: tokens spent and request durations per provider and model. */
@ApplicationScoped
public class AiMetrics {
  private final MeterRegistry registry;

  public AiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code ai_request_duration_seconds{provider,model,status}}; status = ok or the failure. */
  public void request(String provider, String model, String status, Duration duration) {
    Timer.builder("ai.request.duration")
        .description("Duration of LLM provider calls")
        .tag("provider", provider)
        .tag("model", model)
        .tag("status", status)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  /** {@code ai_tokens_total{provider,model,kind=prompt|completion}}. */
  public void tokens(String provider, String model, int prompt, int completion) {
    counter(provider, model, "prompt").increment(prompt);
    counter(provider, model, "completion").increment(completion);
  }

  private Counter counter(String provider, String model, String kind) {
    return Counter.builder("ai.tokens")
        .description("Tokens reported by LLM providers")
        .tag("provider", provider)
        .tag("model", model)
        .tag("kind", kind)
        .register(registry);
  }
}
