package io.logicgraph.worker.ai.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.Queues;
import io.logicgraph.worker.ai.WorkerConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZonedDateTime;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes a NodeResult to {@code results.aggregation} as a persistent JSON message; the returned
 * Uni completes only when the broker confirmed it (publisher confirms), and fails when it was
 * refused or not confirmed within {@code worker.publish-timeout}.
 */
@ApplicationScoped
public class ResultPublisher {
  private final MutinyEmitter<JsonObject> emitter;
  private final WorkerConfig config;

  public ResultPublisher(
      @Channel(Channels.RESULTS) MutinyEmitter<JsonObject> emitter, WorkerConfig config) {
    this.emitter = emitter;
    this.config = config;
  }

  public Uni<Void> publish(NodeResult result) {
    JsonObject body;
    try {
      body = new JsonObject(Json.MAPPER.writeValueAsString(result));
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    OutgoingRabbitMQMetadata metadata =
        OutgoingRabbitMQMetadata.builder()
            .withRoutingKey(Queues.RESULTS_AGGREGATION)
            .withDeliveryMode(2)
            .withContentType("application/json")
            .withMessageId(result.executionId() + "/" + result.nodeId() + "/" + result.attempt())
            .withTimestamp(ZonedDateTime.now())
            .build();
    return emitter
        .sendMessage(Message.of(body, Metadata.of(metadata)))
        .ifNoItem()
        .after(config.publishTimeout())
        .failWith(
            () ->
                new IllegalStateException(
                    "no publisher confirm within " + config.publishTimeout().toMillis() + " ms"));
  }
}
