package io.logicgraph.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes execution requests to the orchestrator's queue as persistent JSON messages and
 * completes only when the broker confirmed the message (or fails after a bounded wait).
 */
@ApplicationScoped
public class ExecutionRequestPublisher {
  /** Outgoing channel configured in application.properties (exchange, routing key, confirms). */
  public static final String CHANNEL = "execution-requests";

  private static final int PERSISTENT = 2;

  private final MutinyEmitter<String> emitter;
  private final HealthCenter health;
  private final Duration confirmTimeout;

  public ExecutionRequestPublisher(
      @Channel(CHANNEL) MutinyEmitter<String> emitter, HealthCenter health, GatewayConfig config) {
    this.emitter = emitter;
    this.health = health;
    this.confirmTimeout = config.execution().publishTimeout();
  }

  /** False while the connector reports the outgoing channel down (e.g. reconnecting). */
  public boolean connected() {
    return health.getReadiness().getChannels().stream()
        .filter(channel -> CHANNEL.equals(channel.getChannel()))
        .allMatch(HealthReport.ChannelInfo::isOk);
  }

  /** Publishes and waits for the broker's confirm. */
  public Uni<Void> publish(ExecutionRequest request) {
    String body;
    try {
      body = Json.MAPPER.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    OutgoingRabbitMQMetadata metadata =
        new OutgoingRabbitMQMetadata.Builder()
            .withContentType("application/json")
            .withDeliveryMode(PERSISTENT)
            .withMessageId(request.executionId().toString())
            .withTimestamp(ZonedDateTime.ofInstant(request.requestedAt(), ZoneOffset.UTC))
            .build();
    return emitter
        .sendMessage(Message.of(body, Metadata.of(metadata)))
        .ifNoItem()
        .after(confirmTimeout)
        .fail();
  }
}
