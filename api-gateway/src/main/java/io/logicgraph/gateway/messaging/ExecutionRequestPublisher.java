package io.logicgraph.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.model.broker.Broker;
import io.logicgraph.model.broker.BrokerSettings;
import io.logicgraph.model.broker.OutgoingMessage;
import io.logicgraph.model.broker.PublishException;
import io.logicgraph.model.broker.Publisher;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's link to the broker and the publisher of execution requests. On every (re)connect
 * the link declares the queue the gateway publishes to, with exactly the arguments its consumer
 * (the orchestrator) declares: an execution request must never be routed to nowhere because the
 * orchestrator has not started yet. A request completes only once the broker confirmed it, and
 * fails when the broker refused it, could not route it, or did not confirm it within {@code
 * gateway.execution.publish-timeout}. While the link is down the gateway is not ready and refuses
 * to accept executions.
 */
@ApplicationScoped
public class ExecutionRequestPublisher {
  /** The queues the gateway publishes to (declared on every connect). */
  public static final List<String> PUBLISHED_QUEUES = List.of(Queues.GRAPH_ORCHESTRATION);

  private final Duration confirmTimeout;
  private final boolean migrateOnly;
  private volatile Broker broker;
  private volatile Publisher publisher;

  public ExecutionRequestPublisher(GatewayConfig config) {
    this.confirmTimeout = config.execution().publishTimeout();
    this.migrateOnly = config.migrateOnly();
  }

  void onStart(@Observes StartupEvent event) {
    if (migrateOnly) {
      return; // the process only migrates the database and exits
    }
    Broker started =
        Broker.start(
            BrokerSettings.from(ConfigProvider.getConfig()), "api-gateway", PUBLISHED_QUEUES);
    publisher = started.publisher();
    broker = started;
  }

  void onStop(@Observes ShutdownEvent event) {
    Publisher p = publisher;
    if (p != null) {
      p.close();
    }
    Broker b = broker;
    if (b != null) {
      b.close();
    }
  }

  /** True while the broker is connected and the queue declared. */
  public boolean connected() {
    Broker b = broker;
    return b != null && b.isReady();
  }

  /** Why {@link #connected()} is false (for readiness reports and logs). */
  public String problem() {
    Broker b = broker;
    if (b == null) {
      return migrateOnly ? "not connecting (migrate-only mode)" : "not started yet";
    }
    return b.problem();
  }

  /**
   * Publishes and waits for the broker's confirm. Completes on the broker client's thread: callers
   * continue on their own context.
   */
  public Uni<Void> publish(ExecutionRequest request) {
    Publisher p = publisher;
    if (p == null) {
      return Uni.createFrom().failure(new PublishException("broker link not started"));
    }
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    OutgoingMessage persistent =
        OutgoingMessage.persistentJson(
            Topology.EXCHANGE, Queues.GRAPH_ORCHESTRATION, request.executionId().toString(), body);
    OutgoingMessage message =
        new OutgoingMessage(
            persistent.exchange(),
            persistent.routingKey(),
            persistent.properties().builder().timestamp(Date.from(request.requestedAt())).build(),
            persistent.body());
    return Uni.createFrom()
        .completionStage(() -> p.publish(message))
        .ifNoItem()
        .after(confirmTimeout)
        .failWith(
            () ->
                new PublishException(
                    "the broker did not confirm the request within "
                        + confirmTimeout.toMillis()
                        + " ms"));
  }
}
