package io.logicgraph.worker.ai.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Declares the queue this worker publishes to ({@code results.aggregation}) before any result is
 * sent: publishing to a queue nobody declared yet would be silently dropped by the broker. Retries
 * until the broker answers; readiness stays DOWN ({@link BrokerTopologyCheck}) and no task is
 * started until it is done.
 */
@ApplicationScoped
public class BrokerTopology {
  private static final Logger LOG = Logger.getLogger(BrokerTopology.class);
  private static final List<String> PUBLISHED_QUEUES = List.of(Queues.RESULTS_AGGREGATION);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final ConnectionFactory factory = new ConnectionFactory();
  private final CompletableFuture<Void> declared = new CompletableFuture<>();
  private volatile boolean stopping;

  public BrokerTopology(
      @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
      @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
      @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
      @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost) {
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(username);
    factory.setPassword(password);
    factory.setVirtualHost(virtualHost);
    factory.setConnectionTimeout(5_000);
    factory.setAutomaticRecoveryEnabled(false);
  }

  void onStart(@Observes StartupEvent event) {
    Thread thread = new Thread(this::declareUntilDone, "broker-topology");
    thread.setDaemon(true);
    thread.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  /** Completes once the published-to queues exist on the broker. */
  public Uni<Void> declared() {
    return Uni.createFrom().completionStage(declared);
  }

  private void declareUntilDone() {
    Duration backoff = Duration.ofMillis(500);
    while (!stopping) {
      try (Connection connection = factory.newConnection("worker-ai topology");
          Channel channel = connection.createChannel()) {
        Topology.declare(channel, PUBLISHED_QUEUES);
        LOG.infof("declared %s on virtual host '%s'", PUBLISHED_QUEUES, factory.getVirtualHost());
        declared.complete(null);
        return;
      } catch (Exception e) {
        LOG.warnf(
            "cannot declare %s yet (%s); retrying in %d ms",
            PUBLISHED_QUEUES, e.getMessage(), backoff.toMillis());
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  public boolean isDeclared() {
    return declared.isDone();
  }
}
