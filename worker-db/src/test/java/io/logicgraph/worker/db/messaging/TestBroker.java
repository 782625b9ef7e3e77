package io.logicgraph.worker.db.messaging;

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
    connection = factory.newConnection("worker-db-test");
    channel = connection.createChannel();
    channel.confirmSelect();
  }

  public void publishTask(NodeTask task) throws Exception {
    publishRaw(Json.MAPPER.writeValueAsBytes(task));
  }

  public void publishRaw(byte[] body) throws Exception {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    channel.basicPublish(Topology.EXCHANGE, Queues.DB_TASKS, true, properties, body);
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
    return Json.MAPPER.readTree(
        management("GET", "/api/queues/" + encode(vhost) + "/" + encode(name)).body());
  }

  public void deleteQueue(String name) throws Exception {
    management("DELETE", "/api/queues/" + encode(vhost) + "/" + encode(name));
  }

  /** Closes, from the broker's side, every connection of this virtual host with that name. */
  public int closeConnections(String connectionName) throws Exception {
    JsonNode connections =
        Json.MAPPER.readTree(
            management("GET", "/api/vhosts/" + encode(vhost) + "/connections").body());
    int closed = 0;
    for (JsonNode connection : connections) {
      String name = connection.path("client_properties").path("connection_name").asText();
      if (connectionName.equals(name)) {
        management("DELETE", "/api/connections/" + encode(connection.path("name").asText()));
        closed++;
      }
    }
    return closed;
  }

  private static HttpResponse<String> management(String method, String path) throws Exception {
    String base = TestInfrastructure.endpoints().rabbitmqManagementUrl();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .version(HttpClient.Version.HTTP_1_1)
            .header("Authorization", auth)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
