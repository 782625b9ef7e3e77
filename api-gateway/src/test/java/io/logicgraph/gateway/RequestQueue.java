package io.logicgraph.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.logicgraph.model.message.ExecutionCommand;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.Queues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The orchestrator's queue as the orchestrator would read it: finds the request the gateway
 * published for an execution (other messages read on the way are consumed and dropped).
 */
final class RequestQueue {
  private RequestQueue() {}

  /** Messages waiting in the orchestrator's queue now. */
  static long depth() throws Exception {
    try (Connection connection = factory().newConnection();
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(Queues.GRAPH_ORCHESTRATION).getMessageCount();
    }
  }

  private static ConnectionFactory factory() {
    var config = ConfigProvider.getConfig();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.getValue("rabbitmq-host", String.class));
    factory.setPort(config.getValue("rabbitmq-port", Integer.class));
    factory.setUsername(config.getValue("rabbitmq-username", String.class));
    factory.setPassword(config.getValue("rabbitmq-password", String.class));
    factory.setVirtualHost(config.getValue("rabbitmq-virtual-host", String.class));
    return factory;
  }

  static ExecutionRequest next(UUID executionId, ExecutionCommand command) throws Exception {
    ConnectionFactory factory = factory();
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      ExecutionRequest[] found = new ExecutionRequest[1];
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                GetResponse message;
                while ((message = channel.basicGet(Queues.GRAPH_ORCHESTRATION, true)) != null) {
                  assertThat(message.getProps().getContentType()).isEqualTo("application/json");
                  assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
                  JsonNode body =
                      Json.MAPPER.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
                  ExecutionRequest request = Json.MAPPER.treeToValue(body, ExecutionRequest.class);
                  if (request.executionId().equals(executionId)
                      && request.commandOrStart() == command) {
                    assertThat(body.has("execution_id")).isTrue();
                    assertThat(body.path("command").asText()).isEqualTo(command.wire());
                    found[0] = request;
                    return true;
                  }
                }
                return false;
              });
      return found[0];
    }
  }
}
