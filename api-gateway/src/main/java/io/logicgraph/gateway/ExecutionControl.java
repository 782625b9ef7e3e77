package io.logicgraph.gateway;

import io.logicgraph.gateway.messaging.ExecutionRequestPublisher;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore;
import io.logicgraph.model.message.ExecutionCommand;
import io.logicgraph.model.message.ExecutionRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Cancel and retry requests. The request is first recorded on the execution row ({@code
 * cancel_requested_at} / {@code retry_requested_at}), then the orchestrator is told. Once the row
 * is updated the request is accepted whatever happens to the message: the orchestrator's reconciler
 * finds recorded requests whose message was lost, so a broker outage only delays them.
 */
@ApplicationScoped
public class ExecutionControl {
  private static final Logger LOG = Logger.getLogger(ExecutionControl.class);

  private final ExecutionStore executions;
  private final ExecutionRequestPublisher publisher;
  private final Counter publishFailures;

  public ExecutionControl(
      ExecutionStore executions, ExecutionRequestPublisher publisher, MeterRegistry registry) {
    this.executions = executions;
    this.publisher = publisher;
    // the same counter as the launcher's: every request the broker did not confirm
    this.publishFailures =
        Counter.builder("gateway.execution.request.publish.failures")
            .description("Accepted executions whose request the broker did not confirm")
            .register(registry);
  }

  /**
   * Asks the orchestrator to cancel a pending or running execution: nothing new is dispatched,
   * running nodes finish. Repeating the request while it is in progress asks again. 404 when
   * unknown, 409 when the execution already ended.
   */
  public Uni<ExecutionEntity> cancel(String tenant, UUID id) {
    Executor onContext = Database.currentContextExecutor();
    return executions
        .requestCancel(tenant, id)
        .chain(execution -> tell(execution, ExecutionCommand.CANCEL, onContext));
  }

  /**
   * Asks the orchestrator to re-run the failed, cancelled and skipped-by-failure nodes of a failed
   * or cancelled execution, on the same graph version, reusing completed outputs. 404 when unknown,
   * 409 in any other state.
   */
  public Uni<ExecutionEntity> retry(String tenant, UUID id) {
    Executor onContext = Database.currentContextExecutor();
    return executions
        .requestRetry(tenant, id)
        .chain(execution -> tell(execution, ExecutionCommand.RETRY, onContext));
  }

  private Uni<ExecutionEntity> tell(
      ExecutionEntity execution, ExecutionCommand command, Executor onContext) {
    if (!publisher.connected()) {
      publishFailures.increment();
      log(execution, command, "the broker is unavailable");
      return Uni.createFrom().item(execution);
    }
    ExecutionRequest request =
        ExecutionRequest.of(
            execution.id, execution.graphId, execution.graphVersion, execution.tenantId, command);
    return publisher
        .publish(request)
        .onFailure()
        .recoverWithItem(
            failure -> {
              publishFailures.increment();
              log(execution, command, failure.getMessage());
              return null;
            })
        .emitOn(onContext)
        .replaceWith(execution);
  }

  private static void log(ExecutionEntity execution, ExecutionCommand command, String reason) {
    MDC.put("execution_id", execution.id.toString());
    try {
      LOG.warnf(
          "%s of execution %s recorded but not confirmed by the broker (%s); the orchestrator's"
              + " reconciler will act on it",
          command.wire(), execution.id, reason);
    } finally {
      MDC.remove("execution_id");
    }
  }
}
