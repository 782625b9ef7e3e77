package io.logicgraph.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.gateway.messaging.BrokerTopology;
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
import java.time.Duration;
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
  private static final Duration CHANNEL_POLL = Duration.ofMillis(20);

  /**
   * How long a "connected" verdict of the outgoing channel is reused. Asking the connector walks
   * its configuration (about 5 % of the gateway's CPU under execute load in a profile); a channel
   * that drops within this time fails the publish instead, and the reconciler starts that
   * execution.
   */
  private static final long CONNECTED_REUSE_NANOS = Duration.ofSeconds(1).toNanos();

  private final ExecutionStore executions;
  private final ExecutionRequestPublisher publisher;
  private final BrokerTopology topology;
  private final GatewayConfig.ExecutionSettings settings;
  private final Counter accepted;
  private final Counter publishFailures;
  private volatile long connectedUntil = System.nanoTime();

  public ExecutionLauncher(
      ExecutionStore executions,
      ExecutionRequestPublisher publisher,
      BrokerTopology topology,
      GatewayConfig config,
      MeterRegistry registry) {
    this.executions = executions;
    this.publisher = publisher;
    this.topology = topology;
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
    return brokerUsable(System.nanoTime() + settings.publishTimeout().toNanos(), onContext)
        .chain(() -> store(request, tenant, onContext));
  }

  /**
   * Refuses before storing when the broker cannot take the request: a client retry is better than a
   * request the broker cannot take. While the gateway's own broker connection is up but the
   * outgoing channel is still connecting (a fresh gateway opens it with its first request, and
   * every request arriving meanwhile sees it "not connected"), waits for it up to the publish
   * timeout.
   */
  private Uni<Void> brokerUsable(long deadline, Executor onContext) {
    if (topology.ready() && channelConnected()) {
      return Uni.createFrom().voidItem();
    }
    if (!topology.ready() || System.nanoTime() - deadline >= 0) {
      io.quarkus.logging.Log.warnf(
          "execution refused, broker not usable: topology %s, outgoing channel %s",
          topology.state(), publisher.connected() ? "connected" : "not connected");
      return Uni.createFrom().failure(GatewayProblem.brokerUnavailable());
    }
    return Uni.createFrom()
        .voidItem()
        .onItem()
        .delayIt()
        .by(CHANNEL_POLL)
        .emitOn(onContext)
        .chain(() -> brokerUsable(deadline, onContext));
  }

  private boolean channelConnected() {
    long now = System.nanoTime();
    if (now - connectedUntil < 0) {
      return true;
    }
    boolean connected = publisher.connected();
    if (connected) {
      connectedUntil = now + CONNECTED_REUSE_NANOS;
    }
    return connected;
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
