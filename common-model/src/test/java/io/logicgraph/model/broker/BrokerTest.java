package io.logicgraph.model.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.logicgraph.model.testing.TestInfrastructure;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker link against a real RabbitMQ: confirms, routing errors and lost connections. */
class BrokerTest {
  private static final String QUEUE = Queues.RESULTS_AGGREGATION;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestInfrastructure.Endpoints endpoints;
  private BrokerSettings settings;
  private final String brokerName = "broker-test-" + java.util.UUID.randomUUID();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    endpoints = TestInfrastructure.isolated("broker-test");
    Map<String, String> props = endpoints.quarkusProperties();
    settings =
        new BrokerSettings(
            props.get("rabbitmq-host"),
            Integer.parseInt(props.get("rabbitmq-port")),
            props.get("rabbitmq-username"),
            props.get("rabbitmq-password"),
            props.getOrDefault("rabbitmq-virtual-host", "/"),
            Duration.ofMillis(200),
            Duration.ofSeconds(5));
    // Start from an empty queue whatever an earlier run left.
    try (Connection c = factory().newConnection();
        Channel channel = c.createChannel()) {
      Topology.declare(channel, List.of(QUEUE));
      channel.queuePurge(QUEUE);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void aPublishCompletesOnceConfirmedAndTheSubscriptionReceivesIt() throws Exception {
    Broker broker = started();
    Set<String> received = ConcurrentHashMap.newKeySet();
    broker.subscribe(
        QUEUE,
        8,
        delivery -> {
          received.add(new String(delivery.body(), StandardCharsets.UTF_8));
          assertThat(delivery.deliveryCount()).isZero();
          delivery.ack();
        });
    Publisher publisher = broker.publisher();
    toClose.add(publisher);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(message("m" + i));
    }
    publisher.publishAll(batch).get(10, TimeUnit.SECONDS);
    awaitTrue(() -> received.size() == 50, Duration.ofSeconds(10), "50 messages received");
    awaitTrue(() -> messageCount() == 0, Duration.ofSeconds(10), "queue empty after the acks");
    assertThat(broker.isReady()).isTrue();
  }

  @Test
  void aMessageNoQueueTakesFailsInsteadOfVanishing() throws Exception {
    Broker broker = started();
    Publisher publisher = broker.publisher();
    toClose.add(publisher);
    CompletableFuture<Void> publish =
        publisher.publish(
            OutgoingMessage.persistentJson(
                Topology.EXCHANGE, "no.such.queue", "x", "{}".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> publish.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("unroutable")
        .hasMessageContaining("no.such.queue");
  }

  @Test
  void aPublishFailsPromptlyWhileTheBrokerIsUnreachable() throws Exception {
    BrokerSettings nowhere =
        new BrokerSettings(
            "127.0.0.1", 1, "guest", "guest", "/", Duration.ofMillis(200), Duration.ofSeconds(5));
    Broker broker = Broker.start(nowhere, "unreachable-test", List.of(QUEUE));
    toClose.add(broker);
    Publisher publisher = broker.publisher();
    toClose.add(publisher);
    CompletableFuture<Void> publish = publisher.publish(message("lost"));
    assertThatThrownBy(() -> publish.get(3, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("not connected");
    assertThat(broker.isReady()).isFalse();
    // The publish can fail before the supervisor's first connect attempt has reported.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (broker.problem().contains("not connected yet") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(broker.problem()).contains("Connect");
  }

  /**
   * The failure the SmallRye connector had: connections closed by the broker while many messages
   * are in flight. Every message must still be consumed, and consumption must resume each time.
   */
  @Test
  void consumptionResumesAfterTheBrokerClosesEveryConnectionRepeatedly() throws Exception {
    int total = 400;
    Broker broker = started();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger deliveries = new AtomicInteger();
    // One slow worker (~25 messages/s): with prefetch 32 many deliveries are in flight when the
    // connections die, and the whole backlog takes longer than the three rounds of closing.
    ExecutorService slow = Executors.newSingleThreadExecutor();
    toClose.add(slow::shutdownNow);
    broker.subscribe(
        QUEUE,
        32,
        delivery -> {
          deliveries.incrementAndGet();
          String id = new String(delivery.body(), StandardCharsets.UTF_8);
          slow.execute(
              () -> {
                try {
                  Thread.sleep(40);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                // A delivery whose channel died is not acked: it comes again.
                if (delivery.ack()) {
                  acked.add(id);
                }
              });
        });
    Publisher publisher = broker.publisher();
    toClose.add(publisher);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      batch.add(message("m" + i));
    }
    publisher.publishAll(batch).get(20, TimeUnit.SECONDS);

    for (int round = 0; round < 3; round++) {
      awaitTrue(broker::isReady, Duration.ofSeconds(15), "ready before closing round " + round);
      int closed = closeConnections(brokerName);
      assertThat(closed).as("connections closed in round %d", round).isGreaterThanOrEqualTo(2);
      Thread.sleep(300);
    }
    awaitTrue(
        () -> acked.size() == total && messageCount() == 0,
        Duration.ofSeconds(90),
        "all " + total + " messages consumed after the connections were closed");
    assertThat(deliveries.get()).isGreaterThan(total); // some were redelivered, none lost
    assertThat(broker.isReady()).isTrue();

    // And a publish after the last reconnect is confirmed and consumed.
    publisher.publish(message("after")).get(10, TimeUnit.SECONDS);
    awaitTrue(() -> acked.contains("after"), Duration.ofSeconds(10), "message after reconnect");
  }

  private Broker started() throws Exception {
    Broker broker = Broker.start(settings, brokerName, List.of(QUEUE));
    toClose.add(broker);
    broker.firstReady().get(15, TimeUnit.SECONDS);
    return broker;
  }

  private static OutgoingMessage message(String text) {
    return OutgoingMessage.persistentJson(
        Topology.EXCHANGE, QUEUE, text, text.getBytes(StandardCharsets.UTF_8));
  }

  private ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setUsername(settings.username());
    factory.setPassword(settings.password());
    factory.setVirtualHost(settings.virtualHost());
    return factory;
  }

  private long messageCount() {
    try (Connection c = factory().newConnection();
        Channel channel = c.createChannel()) {
      return channel.queueDeclarePassive(QUEUE).getMessageCount();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Closes the broker's two connections (found by their client-provided name), as an operator or a
   * proxy would. The management API lists connections with some delay and may still list closed
   * ones, so it is asked again until two live ones were closed.
   */
  private int closeConnections(String clientName) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    String base = endpoints.rabbitmqManagementUrl();
    String vhost = URLEncoder.encode(settings.virtualHost(), StandardCharsets.UTF_8);
    Set<String> tried = new java.util.HashSet<>();
    int closed = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (closed < 2 && System.nanoTime() < deadline) {
      HttpResponse<String> list =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/vhosts/" + vhost + "/connections"))
                  .header("Authorization", auth)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode connection : JSON.readTree(list.body())) {
        String name = connection.path("name").asText();
        String provided = connection.path("user_provided_name").asText("");
        if (!provided.startsWith(clientName) || !tried.add(name)) {
          continue;
        }
        HttpResponse<String> deleted =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            base
                                + "/api/connections/"
                                + URLEncoder.encode(name, StandardCharsets.UTF_8)
                                    .replace("+", "%20")))
                    .header("Authorization", auth)
                    .header("X-Reason", "fault injection")
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (deleted.statusCode() < 300) {
          closed++;
        }
      }
      if (closed < 2) {
        Thread.sleep(250);
      }
    }
    return closed;
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }
}
