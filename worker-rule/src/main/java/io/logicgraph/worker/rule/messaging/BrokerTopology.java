package io.logicgraph.worker.rule.messaging;

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
 * sent: a result published to a queue nobody declared would be dropped by the broker. Retries until
 * the broker answers, and declares again whenever its connection to the broker is lost (a broker
 * that restarted without its data has no queues). Readiness is DOWN ({@link BrokerTopologyCheck})
 * and new tasks wait while the queues are not known to exist.
 */
@ApplicationScoped
public class BrokerTopology {
  private static final Logger LOG = Logger.getLogger(BrokerTopology.class);
  private static final List<String> PUBLISHED_QUEUES = List.of(Queues.RESULTS_AGGREGATION);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final ConnectionFactory factory = new ConnectionFactory();
  private volatile CompletableFuture<Void> declared = new CompletableFuture<>();
  private volatile Connection connection;
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
    declareInBackground();
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    Connection open = connection;
    if (open != null && open.isOpen()) {
      try {
        open.close(1_000);
      } catch (Exception e) {
        LOG.debugf("closing the topology connection: %s", e.getMessage());
      }
    }
  }

  /** Completes once the published-to queues exist on the broker. */
  public Uni<Void> declared() {
    return Uni.createFrom().completionStage(() -> declared);
  }

  public boolean isDeclared() {
    return declared.isDone();
  }

  private void declareInBackground() {
    Thread thread = new Thread(this::declareUntilDone, "broker-topology");
    thread.setDaemon(true);
    thread.start();
  }

  private void declareUntilDone() {
    Duration backoff = Duration.ofMillis(500);
    while (!stopping) {
      Connection opened = null;
      try {
        opened = factory.newConnection("worker-rule topology");
        try (Channel channel = opened.createChannel()) {
          Topology.declare(channel, PUBLISHED_QUEUES);
        }
        // Kept open only to notice a lost broker, which calls for declaring again.
        opened.addShutdownListener(
            cause -> {
              if (!stopping && !cause.isInitiatedByApplication()) {
                LOG.warnf(
                    "lost the broker (%s); declaring %s again",
                    cause.getMessage(), PUBLISHED_QUEUES);
                declared = new CompletableFuture<>();
                declareInBackground();
              }
            });
        connection = opened;
        LOG.infof("declared %s on virtual host '%s'", PUBLISHED_QUEUES, factory.getVirtualHost());
        declared.complete(null);
        return;
      } catch (Exception e) {
        LOG.warnf(
            "cannot declare %s yet (%s); retrying in %d ms",
            PUBLISHED_QUEUES, e.getMessage(), backoff.toMillis());
        closeQuietly(opened);
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

  private static void closeQuietly(Connection opened) {
    if (opened != null && opened.isOpen()) {
      try {
        opened.abort(1_000);
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }
}
