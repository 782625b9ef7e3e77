package io.logicgraph.orchestrator.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.logicgraph.model.message.Topology;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Declares every queue of the fleet before anything is published, so a task published before its
 * worker ever started waits in its queue instead of being dropped by the exchange. Retries in the
 * background until the broker answers; readiness stays DOWN until then.
 */
@ApplicationScoped
public class BrokerTopology {
  private final AtomicBoolean declared = new AtomicBoolean();
  private final ConnectionFactory factory = new ConnectionFactory();

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
  }

  void onStart(@Observes StartupEvent event) {
    Thread thread = new Thread(this::declareWithRetry, "broker-topology");
    thread.setDaemon(true);
    thread.start();
  }

  /** A new connection to the broker with the service's settings (caller closes it). */
  public Connection newConnection(String name)
      throws java.io.IOException, java.util.concurrent.TimeoutException {
    return factory.newConnection(name);
  }

  public boolean isDeclared() {
    return declared.get();
  }

  private void declareWithRetry() {
    long backoffMs = 200;
    while (!declared.get()) {
      try (Connection connection = factory.newConnection("orchestrator-topology");
          Channel channel = connection.createChannel()) {
        Topology.declare(channel, Topology.QUEUES);
        declared.set(true);
        Log.infof("broker topology declared: %s", Topology.QUEUES);
      } catch (Exception e) {
        Log.warnf(
            "broker topology not declared yet (%s); retrying in %d ms", e.getMessage(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }
}
