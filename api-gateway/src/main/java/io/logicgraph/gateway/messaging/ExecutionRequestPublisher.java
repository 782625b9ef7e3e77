package io.logicgraph.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
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
  private final Duration confirmTimeout;

  public ExecutionRequestPublisher(
      @Channel(CHANNEL) MutinyEmitter<String> emitter, GatewayConfig config) {
    this.emitter = emitter;
    this.confirmTimeout = config.execution().publishTimeout();
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
