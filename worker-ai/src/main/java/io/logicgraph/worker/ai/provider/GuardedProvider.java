package io.logicgraph.worker.ai.provider;

import io.logicgraph.worker.ai.AiConfig;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * A provider behind its own circuit breaker and bulkhead, so one failing or slow provider neither
 * floods nor starves the others. Only retryable failures (429, 5xx, timeouts, refused connections)
 * count against the breaker: a bad request says nothing about the provider's health. Calls refused
 * by an open breaker or a full bulkhead are retryable E008 failures.
 */
public final class GuardedProvider implements LlmProvider {
  private final LlmProvider provider;
  private final TypedGuard<Uni<Completion>> guard;

  public GuardedProvider(
      LlmProvider provider, AiConfig.CircuitBreaker breaker, AiConfig.Bulkhead bulkhead) {
    this("llm-" + provider.name(), provider, breaker, bulkhead);
  }

  /** {@code breakerName} is process-wide unique (the fault tolerance runtime registers it). */
  public GuardedProvider(
      String breakerName,
      LlmProvider provider,
      AiConfig.CircuitBreaker breaker,
      AiConfig.Bulkhead bulkhead) {
    this.provider = provider;
    this.guard =
        TypedGuard.create(new TypeLiteral<Uni<Completion>>() {})
            .withDescription("llm provider " + provider.name())
            .withCircuitBreaker()
            .name(breakerName)
            .requestVolumeThreshold(breaker.requestVolumeThreshold())
            .failureRatio(breaker.failureRatio())
            .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
            .successThreshold(breaker.successThreshold())
            .when(GuardedProvider::providerTrouble)
            .done()
            .withBulkhead()
            .limit(bulkhead.limit())
            .queueSize(bulkhead.queueSize())
            .done()
            .build();
  }

  private static boolean providerTrouble(Throwable failure) {
    return failure instanceof ProviderException p && p.retryable();
  }

  @Override
  public String name() {
    return provider.name();
  }

  @Override
  public String defaultModel() {
    return provider.defaultModel();
  }

  @Override
  public Duration requestTimeout() {
    return provider.requestTimeout();
  }

  @Override
  public void checkConfigured() {
    provider.checkConfigured();
  }

  @Override
  public Uni<Completion> complete(ChatRequest request, Duration timeout) {
    // A provider that is not configured is no sign of its health: refused before the guard.
    try {
      provider.checkConfigured();
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(e);
    }
    return guard
        .get(() -> provider.complete(request, timeout))
        .onFailure(CircuitBreakerOpenException.class)
        .transform(
            e ->
                new ProviderException(
                    "circuit_open",
                    "circuit open: " + provider.name() + " failed repeatedly, calls are paused",
                    true,
                    "the provider is failing; calls resume automatically after a pause"))
        .onFailure(BulkheadException.class)
        .transform(
            e ->
                new ProviderException(
                    "bulkhead_full",
                    "too many calls to " + provider.name() + " in flight",
                    true,
                    "raise worker-ai.bulkhead.limit or lower the load"));
  }
}
