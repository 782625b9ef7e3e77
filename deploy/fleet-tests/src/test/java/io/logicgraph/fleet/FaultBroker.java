package io.logicgraph.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault suite's hands on the fleet's RabbitMQ virtual host: the management API (connections,
 * queue depths, purge) and a plain AMQP connection to publish crafted or duplicated messages.
 */
final class FaultBroker implements AutoCloseable {
  static final String EXCHANGE = "logic-graph";
  static final String RESULTS = "results.aggregation";

  private final Fleet fleet;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Connection connection;

  FaultBroker(Fleet fleet) {
    this.fleet = fleet;
  }

  private String vhostPath() {
    return URLEncoder.encode(fleet.name(), StandardCharsets.UTF_8);
  }

  /** The names of the client connections open on the fleet's virtual host. */
  List<String> connections() {
    List<String> names = new ArrayList<>();
    for (JsonNode c : FleetClient.json(get("/api/vhosts/" + vhostPath() + "/connections"))) {
      names.add(c.path("name").asText());
    }
    return names;
  }

  /** Force-closes every client connection of the fleet's virtual host; returns how many. */
  int closeAllConnections() {
    List<String> names = connections();
    for (String name : names) {
      closeConnection(name);
    }
    return names.size();
  }

  /**
   * Force-closes one connection. RabbitMQ's management answers 500 when the connection ends while
   * it closes it (a client that was reconnecting anyway, for example); that counts as closed once
   * the connection is no longer listed. Any other refusal is retried twice and then fails the test.
   */
  private void closeConnection(String name) {
    String path =
        "/api/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        call("DELETE", path, Map.of("X-Reason", "fault test: connection force-closed"));
        return;
      } catch (IllegalStateException e) {
        last = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (!connections().contains(name)) {
        return;
      }
    }
    throw last;
  }

  /** Queue name → number of consumers, for the fleet's queues. */
  Map<String, Integer> consumers() {
    Map<String, Integer> consumers = new java.util.TreeMap<>();
    for (JsonNode q : FleetClient.json(get("/api/queues/" + vhostPath()))) {
      consumers.put(
          q.path("name").asText(),
          q.path("consumers").asInt(0) * 10000 + q.path("messages").asInt(0));
    }
    return consumers;
  }

  /** Messages ready in a queue of the fleet. */
  int ready(String queue) {
    JsonNode q =
        FleetClient.json(
            get(
                "/api/queues/"
                    + vhostPath()
                    + "/"
                    + URLEncoder.encode(queue, StandardCharsets.UTF_8)));
    return q.path("messages_ready").asInt(0);
  }

  /**
   * Drops every ready message of a queue and returns how many the broker dropped (its own answer to
   * the purge, not the management API's lagging counts).
   */
  int purge(String queue) {
    try {
      Channel channel = connection().createChannel();
      try {
        return channel.queuePurge(queue).getMessageCount();
      } finally {
        channel.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot purge " + queue, e);
    }
  }

  /** Publishes a persistent JSON message to the fleet's exchange. */
  void publish(String routingKey, String json) {
    try {
      Channel channel = connection().createChannel();
      try {
        channel.confirmSelect();
        channel.basicPublish(
            EXCHANGE,
            routingKey,
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build(),
            json.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
      } finally {
        channel.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish to " + routingKey, e);
    }
  }

  /**
   * Duplicates every message published to {@code results.aggregation} from now on: a tap queue
   * bound to the same routing key receives a copy of each result, and each copy is published again
   * (marked, so it is not copied once more). Returns the number of duplicates sent so far.
   */
  AtomicInteger duplicateResults() {
    AtomicInteger duplicates = new AtomicInteger();
    try {
      Channel channel = connection().createChannel();
      channel.confirmSelect();
      String tap =
          channel.queueDeclare("fault.results.tap", false, true, true, Map.of()).getQueue();
      channel.queueBind(tap, EXCHANGE, RESULTS);
      channel.basicConsume(
          tap,
          false,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
              Map<String, Object> headers =
                  properties.getHeaders() == null
                      ? new HashMap<>()
                      : new HashMap<>(properties.getHeaders());
              if (!headers.containsKey("x-fault-duplicate")) {
                headers.put("x-fault-duplicate", true);
                getChannel()
                    .basicPublish(
                        EXCHANGE, RESULTS, properties.builder().headers(headers).build(), body);
                duplicates.incrementAndGet();
              }
              getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tap the results queue", e);
    }
    return duplicates;
  }

  private synchronized Connection connection() {
    if (connection == null || !connection.isOpen()) {
      try {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(fleet.rabbitmqUrl());
        factory.setConnectionTimeout(5000);
        connection = factory.newConnection("fault-suite");
      } catch (Exception e) {
        throw new IllegalStateException("cannot connect to the fleet's RabbitMQ", e);
      }
    }
    return connection;
  }

  private String get(String path) {
    return call("GET", path, Map.of());
  }

  private String call(String method, String path, Map<String, String> headers) {
    String auth =
        Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(fleet.rabbitmqManagementUrl() + path))
            .header("Authorization", "Basic " + auth)
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300 && response.statusCode() != 404) {
        throw new IllegalStateException(
            "RabbitMQ management answered "
                + response.statusCode()
                + " to "
                + method
                + " "
                + path
                + ": "
                + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach RabbitMQ management", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }
}
