package io.logicgraph.model.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * A consumer of one queue that outlives connections: the {@link Broker}'s supervisor opens it on
 * every new connection, and again whenever its channel closed or the broker cancelled it.
 */
public final class Subscription {
  private static final Logger LOG = Logger.getLogger(Subscription.class);

  private final Broker broker;
  private final String queue;
  private final int prefetch;
  private final DeliveryHandler handler;
  private volatile Channel channel;
  private volatile String consumerTag;
  private volatile boolean consuming;
  private volatile boolean cancelled;
  private volatile boolean everConsumed;

  Subscription(Broker broker, String queue, int prefetch, DeliveryHandler handler) {
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch of " + queue + " must be at least 1");
    }
    this.broker = broker;
    this.queue = queue;
    this.prefetch = prefetch;
    this.handler = handler;
  }

  public String queue() {
    return queue;
  }

  /** True while a live channel consumes the queue (or after {@link #cancel()}). */
  public boolean isConsuming() {
    Channel ch = channel;
    return cancelled || (consuming && ch != null && ch.isOpen());
  }

  /** Stops receiving deliveries; those already received can still be settled. */
  public void cancel() {
    cancelled = true;
    Channel ch = channel;
    String tag = consumerTag;
    if (ch != null && ch.isOpen() && tag != null) {
      try {
        ch.basicCancel(tag);
      } catch (IOException | RuntimeException e) {
        LOG.debugf("cancelling the consumer of %s: %s", queue, e.getMessage());
      }
    }
  }

  /** Called by the supervisor: (re)opens the consumer on {@code connection} if it is not live. */
  void ensureConsuming(Connection connection) throws IOException {
    if (cancelled || connection == null || !connection.isOpen()) {
      return;
    }
    Channel current = channel;
    if (consuming && current != null && current.isOpen() && current.getConnection() == connection) {
      return;
    }
    if (current != null && current.isOpen()) {
      try {
        current.abort();
      } catch (IOException | RuntimeException e) {
        // replaced anyway
      }
    }
    Channel opened = connection.createChannel();
    try {
      opened.basicQos(prefetch);
      consumerTag = opened.basicConsume(queue, false, new Consumer(opened));
    } catch (IOException | RuntimeException e) {
      try {
        opened.abort();
      } catch (IOException | RuntimeException ignored) {
        // the channel is gone with the error
      }
      throw e;
    }
    channel = opened;
    consuming = true;
    if (everConsumed) {
      LOG.infof("consuming %s again (prefetch %d)", queue, prefetch);
    } else {
      LOG.debugf("consuming %s (prefetch %d)", queue, prefetch);
    }
    everConsumed = true;
  }

  private final class Consumer extends DefaultConsumer {
    Consumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      Delivery delivery =
          new Delivery(
              getChannel(),
              envelope.getDeliveryTag(),
              queue,
              envelope.isRedeliver(),
              properties,
              body);
      try {
        handler.handle(delivery);
      } catch (RuntimeException e) {
        LOG.errorf(e, "handler of %s failed; the message is requeued", queue);
        try {
          delivery.requeue();
        } catch (IllegalStateException alreadySettled) {
          // the handler settled it before failing
        }
      }
    }

    @Override
    public void handleCancel(String tag) {
      // The broker cancels consumers of a queue that was deleted: declare it again and resubscribe.
      consuming = false;
      LOG.warnf("the broker cancelled the consumer of %s (queue deleted?); resubscribing", queue);
      broker.topologyLost();
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
      consuming = false;
      if (!cancelled && !signal.isInitiatedByApplication()) {
        LOG.warnf("consumer of %s lost its channel: %s", queue, signal.getMessage());
        broker.wake();
      }
    }
  }
}
