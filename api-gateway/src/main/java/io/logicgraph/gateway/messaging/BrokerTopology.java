package io.logicgraph.gateway.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Declares, before anything is published, the queue the gateway publishes to, with exactly the
 * arguments its consumer (the orchestrator) declares: an execution request must never be routed to
 * nowhere because the orchestrator has not started yet. Runs in the background with backoff until
 * the broker answers; until then (and whenever the connection is down) the gateway is not ready and
 * refuses to accept executions.
 */
@ApplicationScoped
public class BrokerTopology implements RecoveryListener {
  /** The queues the gateway publishes to. */
  public static final List<String> PUBLISHED_QUEUES = List.of(Queues.GRAPH_ORCHESTRATION);

  private static final Logger LOG = Logger.getLogger(BrokerTopology.class);

  private final ConnectionFactory factory;
  private final GatewayConfig.BrokerSettings settings;
  private final boolean migrateOnly;
  private volatile Connection connection;
  private volatile boolean declared;
  private volatile boolean stopping;
  private Thread worker;

  public BrokerTopology(
      GatewayConfig config,
      @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
      @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
      @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
      @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost) {
    this.settings = config.broker();
    this.migrateOnly = config.migrateOnly();
    this.factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(username);
    factory.setPassword(password);
    factory.setVirtualHost(virtualHost);
    factory.setConnectionTimeout((int) settings.connectTimeout().toMillis());
    // the connection recovers by itself; the topology is declared again by handleRecovery (the
    // client's own topology recovery would replay on the declaring channel, closed by then)
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(false);
    factory.setNetworkRecoveryInterval(1000);
  }

  void onStart(@Observes StartupEvent event) {
    if (migrateOnly) {
      return; // the process only migrates the database and exits
    }
    // one attempt right away, so a gateway whose broker is up is ready as soon as it started
    if (!declareOnce()) {
      worker = new Thread(this::declareWithBackoff, "broker-topology");
      worker.setDaemon(true);
      worker.start();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    if (worker != null) {
      worker.interrupt();
    }
    Connection open = connection;
    if (open != null && open.isOpen()) {
      try {
        open.close(1000);
      } catch (Exception e) {
        LOG.debugf("closing the topology connection: %s", e.getMessage());
      }
    }
  }

  /** True once the topology is declared and the broker connection is up. */
  public boolean ready() {
    Connection open = connection;
    return declared && open != null && open.isOpen();
  }

  /** A short reason for readiness reports. */
  public String state() {
    if (!declared) {
      return "topology not declared yet";
    }
    return ready() ? "connected" : "connection lost, recovering";
  }

  /** After a reconnect: the broker may have lost non-replicated state, declare again. */
  @Override
  public void handleRecovery(Recoverable recovered) {
    if (recovered instanceof Connection open) {
      try (Channel channel = open.createChannel()) {
        Topology.declare(channel, PUBLISHED_QUEUES);
        LOG.infof("broker connection recovered, topology declared again: %s", PUBLISHED_QUEUES);
      } catch (Exception e) {
        LOG.warnf(
            "broker connection recovered but declaring the topology failed: %s", e.getMessage());
      }
    }
  }

  @Override
  public void handleRecoveryStarted(Recoverable recoverable) {
    LOG.warn("broker connection lost; recovering");
  }

  private void declareWithBackoff() {
    Duration backoff = settings.declareInitialBackoff();
    while (!stopping && !declared) {
      try {
        TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!declareOnce()) {
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(settings.declareMaxBackoff()) > 0) {
          backoff = settings.declareMaxBackoff();
        }
      }
    }
  }

  private boolean declareOnce() {
    try {
      Connection opened = factory.newConnection("api-gateway-topology");
      try (Channel channel = opened.createChannel()) {
        Topology.declare(channel, PUBLISHED_QUEUES);
      } catch (Exception e) {
        opened.abort();
        throw e;
      }
      if (opened instanceof Recoverable recoverable) {
        recoverable.addRecoveryListener(this);
      }
      connection = opened;
      declared = true;
      LOG.infof("broker topology declared: %s", PUBLISHED_QUEUES);
      return true;
    } catch (Exception e) {
      LOG.warnf("cannot declare the broker topology yet (%s); retrying", e.getMessage());
      return false;
    }
  }
}
