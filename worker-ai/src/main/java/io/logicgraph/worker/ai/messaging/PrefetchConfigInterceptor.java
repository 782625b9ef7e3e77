package io.logicgraph.worker.ai.messaging;

import io.logicgraph.worker.ai.WorkerConfig;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Gives the task channel's prefetch ({@code max-outstanding-messages}) its default of twice the
 * configured concurrency, so an operator who raises {@code WORKER_CONCURRENCY} does not leave the
 * prefetch below it. An explicit {@code worker.prefetch} (or the channel property itself) wins.
 */
@Priority(Priorities.APPLICATION)
public class PrefetchConfigInterceptor implements ConfigSourceInterceptor {
  static final String PREFETCH_KEY =
      "mp.messaging.incoming." + Channels.TASKS + ".max-outstanding-messages";

  @Override
  public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
    ConfigValue value = context.proceed(name);
    if (value != null || !PREFETCH_KEY.equals(name)) {
      return value;
    }
    ConfigValue prefetch = context.proceed("worker.prefetch");
    if (prefetch != null && prefetch.getValue() != null && !prefetch.getValue().isBlank()) {
      return prefetch.withName(PREFETCH_KEY);
    }
    ConfigValue concurrency = context.proceed("worker.concurrency");
    String raw =
        concurrency == null || concurrency.getValue() == null
            ? WorkerConfig.DEFAULT_CONCURRENCY
            : concurrency.getValue().trim();
    return ConfigValue.builder()
        .withName(PREFETCH_KEY)
        .withValue(String.valueOf(2 * Integer.parseInt(raw)))
        .build();
  }
}
