package io.logicgraph.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.gateway.messaging.ExecutionRequestPublisher;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.gateway.store.ExecutionStore;
import io.logicgraph.gateway.store.ExecutionStore.StartRequest;
import io.logicgraph.gateway.store.ExecutionStore.Started;
import io.logicgraph.model.message.ExecutionRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Accepts executions: stores the pending execution (and its idempotency key) in one transaction,
 * then asks the orchestrator to start it. Once the transaction committed the execution is accepted,
 * whatever happens to the publish: the orchestrator's reconciler starts pending executions it was
 * never told about.
 */
@Startup // registers its counters at start, so /metrics shows them from the beginning
@ApplicationScoped
public class ExecutionLauncher {
  private static final Logger LOG = Logger.getLogger(ExecutionLauncher.class);

  private final ExecutionStore executions;
  private final ExecutionRequestPublisher publisher;
  private final GatewayConfig.ExecutionSettings settings;
  private final Counter accepted;
  private final Counter publishFailures;

  public ExecutionLauncher(
      ExecutionStore executions,
      ExecutionRequestPublisher publisher,
      GatewayConfig config,
      MeterRegistry registry) {
    this.executions = executions;
    this.publisher = publisher;
    this.settings = config.execution();
    this.accepted =
        Counter.builder("gateway.executions.accepted")
            .description("Executions accepted by the gateway (stored, then requested)")
            .register(registry);
    this.publishFailures =
        Counter.builder("gateway.execution.request.publish.failures")
            .description("Accepted executions whose request the broker did not confirm")
            .register(registry);
  }

  /**
   * Starts an execution of the graph's current version, or returns the execution an earlier request
   * with the same idempotency key started. Resumes on the caller's Vert.x context.
   */
  public Uni<Started> launch(String tenant, UUID graphId, ObjectNode input, String idempotencyKey) {
    Executor onContext = Database.currentContextExecutor();
    StartRequest request =
        new StartRequest(
            tenant,
            graphId,
            input,
            idempotencyKey,
            settings.timeout(),
            settings.idempotencyRetention());
    return brokerUsable().chain(() -> store(request, tenant, onContext));
  }

  /**
   * Refuses before storing when the broker cannot take the request (the gateway's broker link is
   * not connected): a client retry is better than a request the broker cannot take.
   */
  private Uni<Void> brokerUsable() {
    if (publisher.connected()) {
      return Uni.createFrom().voidItem();
    }
    io.quarkus.logging.Log.warnf("execution refused, broker not usable: %s", publisher.problem());
    return Uni.createFrom().failure(GatewayProblem.brokerUnavailable());
  }

  private Uni<Started> store(StartRequest request, String tenant, Executor onContext) {
    return executions
        .start(request)
        .chain(
            started -> {
              if (started.replayed()) {
                return Uni.createFrom().item(started);
              }
              accepted.increment();
              var execution = started.execution();
              return publisher
                  .publish(
                      ExecutionRequest.of(
                          execution.id, execution.graphId, execution.graphVersion, tenant))
                  .onFailure()
                  .recoverWithItem(
                      failure -> {
                        publishFailures.increment();
                        MDC.put("execution_id", execution.id.toString());
                        try {
                          LOG.warnf(
                              "execution %s accepted but its request was not confirmed by the"
                                  + " broker (%s); the orchestrator's reconciler will start it",
                              execution.id, failure.getMessage());
                        } finally {
                          MDC.remove("execution_id");
                        }
                        return null;
                      })
                  .emitOn(onContext)
                  .replaceWith(started);
            });
  }
}
