package io.logicgraph.worker.ai.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.logicgraph.model.testing.TestInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** The test's side of the broker: a plain AMQP client and the management API. */
public final class TestBroker implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;
  private final String vhost;
  private final Map<UUID, NodeResult> received = new HashMap<>();

  public TestBroker() throws Exception {
    var config = ConfigProvider.getConfig();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.getValue("rabbitmq-host", String.class));
    factory.setPort(config.getValue("rabbitmq-port", Integer.class));
    factory.setUsername(config.getValue("rabbitmq-username", String.class));
    factory.setPassword(config.getValue("rabbitmq-password", String.class));
    vhost = config.getValue("rabbitmq-virtual-host", String.class);
    factory.setVirtualHost(vhost);
    connection = factory.newConnection("worker-ai-test");
    channel = connection.createChannel();
    channel.confirmSelect();
  }

  public void publishTask(NodeTask task) throws Exception {
    publishRaw(Json.MAPPER.writeValueAsBytes(task));
  }

  public void publishRaw(byte[] body) throws Exception {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    channel.basicPublish(Topology.EXCHANGE, Queues.AI_TASKS, true, properties, body);
    channel.waitForConfirmsOrDie(5_000);
  }

  /** The result of an execution if it arrived (results of other executions are kept). */
  public NodeResult result(UUID executionId) throws IOException {
    GetResponse response;
    while ((response = channel.basicGet(Queues.RESULTS_AGGREGATION, true)) != null) {
      NodeResult result = Json.MAPPER.readValue(response.getBody(), NodeResult.class);
      received.put(result.executionId(), result);
    }
    return received.get(executionId);
  }

  public long readyMessages(String queue) throws IOException {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /** Declares a queue as publishers do; fails if the broker finds the arguments inequivalent. */
  public void declareWithTopology(String queue) throws Exception {
    try (Channel declaring = connection.createChannel()) {
      Topology.declare(declaring, List.of(queue));
    }
  }

  public void purge(String queue) throws IOException {
    channel.queuePurge(queue);
  }

  /** A queue as the management API describes it (definition and message counts). */
  public JsonNode queue(String name) throws Exception {
    String base = TestInfrastructure.endpoints().rabbitmqManagementUrl();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    base
                        + "/api/queues/"
                        + URLEncoder.encode(vhost, StandardCharsets.UTF_8)
                        + "/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)))
            .header("Authorization", auth)
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    return Json.MAPPER.readTree(response.body());
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
