package io.logicgraph.model.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.logicgraph.model.message.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A service's link to RabbitMQ, kept alive by the service itself: one connection for consuming and
 * one for publishing (a broker under a memory or disk alarm blocks publishing connections; acks on
 * the consuming one still flow), the fleet's topology declared on every (re)connect, and every
 * {@link Subscription} and {@link Publisher} reopened after any loss.
 *
 * <p>The RabbitMQ client's own automatic recovery is off on purpose. It does not recover a channel
 * that a channel-level error closed, nor a consumer the broker cancelled (queue deleted), and a
 * failure during its topology recovery leaves consumers silently gone. Here one supervisor thread
 * checks every {@link BrokerSettings#recoveryInterval()}: a connection that is gone is opened again
 * (topology first, then the subscriptions), and a subscription whose channel or consumer is gone is
 * opened again on the live connection. Messages unacked on a lost channel are redelivered by the
 * broker; that is what makes reopening safe.
 */
public final class Broker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Broker.class);

  private final BrokerSettings settings;
  private final String name;
  private final List<String> queues;
  private final ConnectionFactory factory = new ConnectionFactory();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService supervisor;
  private final CompletableFuture<Void> firstReady = new CompletableFuture<>();

  private volatile Connection consuming;
  private volatile Connection publishing;
  private volatile boolean declared;
  private volatile boolean closed;
  private volatile boolean everConnected;
  private volatile String lastProblem = "not connected yet";
  private long nextAttemptNanos;
  private Duration backoff;

  private Broker(BrokerSettings settings, String name, List<String> queues) {
    this.settings = settings;
    this.name = name;
    this.queues = List.copyOf(queues);
    this.backoff = settings.recoveryInterval();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setUsername(settings.username());
    factory.setPassword(settings.password());
    factory.setVirtualHost(settings.virtualHost());
    factory.setConnectionTimeout(5_000);
    factory.setRequestedHeartbeat(15);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    this.supervisor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "broker-" + name);
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts connecting in the background; returns at once. {@code queues} are the work queues this
   * service declares (with their dead-letter queues) on every connect, see {@link Topology}.
   */
  public static Broker start(BrokerSettings settings, String name, List<String> queues) {
    Broker broker = new Broker(settings, name, queues);
    long every = settings.recoveryInterval().toMillis();
    broker.supervisor.scheduleWithFixedDelay(broker::supervise, 0, every, TimeUnit.MILLISECONDS);
    return broker;
  }

  public BrokerSettings settings() {
    return settings;
  }

  /**
   * Consumes {@code queue} with at most {@code prefetch} unsettled deliveries, from now on and
   * after every reconnect. The queue must be one of this broker's declared queues (or a DLQ).
   */
  public Subscription subscribe(String queue, int prefetch, DeliveryHandler handler) {
    Subscription subscription = new Subscription(this, queue, prefetch, handler);
    subscriptions.add(subscription);
    supervisor.execute(this::supervise);
    return subscription;
  }

  /** A publisher with confirms on this broker's publishing connection. */
  public Publisher publisher() {
    return new Publisher(this, settings.confirmTimeout());
  }

  /** Completes when the broker was first connected and the topology declared. */
  public CompletableFuture<Void> firstReady() {
    return firstReady;
  }

  /** Connected, topology declared, every subscription consuming. */
  public boolean isReady() {
    Connection c = consuming;
    Connection p = publishing;
    return declared
        && c != null
        && c.isOpen()
        && p != null
        && p.isOpen()
        && subscriptions.stream().allMatch(Subscription::isConsuming);
  }

  /** Why the broker is not ready (for health checks and logs). */
  public String problem() {
    return isReady() ? "none" : lastProblem;
  }

  /**
   * Messages ready in {@code queue}, asked of the broker now (a passive declare on a short-lived
   * channel of the consuming connection). Fails when not connected or the queue does not exist.
   */
  public long messageCount(String queue) throws IOException {
    Connection c = consuming;
    if (c == null || !c.isOpen()) {
      throw new IOException("not connected: " + problem());
    }
    Channel channel = c.createChannel();
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } finally {
      if (channel.isOpen()) {
        try {
          channel.close();
        } catch (Exception e) {
          // closed anyway
        }
      }
    }
  }

  /** The live publishing connection, or null while it is being reopened. */
  Connection publishingConnection() {
    Connection p = publishing;
    return p != null && p.isOpen() ? p : null;
  }

  /** Asks the supervisor to look at the connections now (after a loss was noticed). */
  void wake() {
    if (!closed) {
      try {
        supervisor.execute(this::supervise);
      } catch (RuntimeException e) {
        // shutting down
      }
    }
  }

  /** Forces the next supervision to declare the topology again (a queue was deleted). */
  void topologyLost() {
    declared = false;
    wake();
  }

  private synchronized void supervise() {
    if (closed) {
      return;
    }
    try {
      Connection c = consuming;
      Connection p = publishing;
      boolean lost = c == null || !c.isOpen() || p == null || !p.isOpen();
      if (lost) {
        if (System.nanoTime() < nextAttemptNanos) {
          return;
        }
        reconnect();
      } else if (!declared) {
        declare(c);
      }
      for (Subscription subscription : subscriptions) {
        subscription.ensureConsuming(consuming);
      }
      backoff = settings.recoveryInterval();
      if (!firstReady.isDone() && isReady()) {
        firstReady.complete(null);
      }
    } catch (Exception e) {
      lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.warnf(
          "broker %s not usable (%s); retrying in %d ms",
          settings, lastProblem, backoff.toMillis());
      nextAttemptNanos = System.nanoTime() + backoff.toNanos();
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : doubled;
    }
  }

  private void reconnect() throws Exception {
    closeQuietly(consuming);
    closeQuietly(publishing);
    consuming = null;
    publishing = null;
    declared = false;
    Connection c = factory.newConnection(name + " consume");
    Connection p;
    try {
      p = factory.newConnection(name + " publish");
    } catch (Exception e) {
      closeQuietly(c);
      throw e;
    }
    c.addShutdownListener(cause -> lost("consuming", cause));
    p.addShutdownListener(cause -> lost("publishing", cause));
    declare(c);
    consuming = c;
    publishing = p;
    if (everConnected) {
      LOG.infof("reconnected to broker %s", settings);
    } else {
      LOG.infof("connected to broker %s", settings);
    }
    everConnected = true;
  }

  private void lost(String which, com.rabbitmq.client.ShutdownSignalException cause) {
    if (closed || cause.isInitiatedByApplication()) {
      return;
    }
    lastProblem = which + " connection lost: " + cause.getMessage();
    LOG.warnf("broker %s: %s; reconnecting", settings, lastProblem);
    wake();
  }

  private void declare(Connection c) throws Exception {
    if (queues.isEmpty()) {
      declared = true;
      return;
    }
    try (Channel channel = c.createChannel()) {
      Topology.declare(channel, queues);
    }
    declared = true;
    LOG.debugf("declared %s on %s", queues, settings);
  }

  @Override
  public void close() {
    closed = true;
    supervisor.shutdownNow();
    for (Subscription subscription : subscriptions) {
      subscription.cancel();
    }
    closeQuietly(consuming);
    closeQuietly(publishing);
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null && connection.isOpen()) {
      try {
        connection.close(2_000);
      } catch (Exception e) {
        try {
          connection.abort(1_000);
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }
  }
}
