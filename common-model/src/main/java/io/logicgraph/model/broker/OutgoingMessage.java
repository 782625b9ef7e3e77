package io.logicgraph.model.broker;

import com.rabbitmq.client.AMQP;
import java.util.Objects;

/** A message to publish: where to, its properties and its bytes. */
public record OutgoingMessage(
    String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
  public OutgoingMessage {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(body, "body");
  }

  /** A persistent JSON message to the fleet's exchange, routed by queue name. */
  public static OutgoingMessage persistentJson(
      String exchange, String queue, String messageId, byte[] json) {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .messageId(messageId)
            .timestamp(new java.util.Date())
            .build();
    return new OutgoingMessage(exchange, queue, properties, json);
  }
}
