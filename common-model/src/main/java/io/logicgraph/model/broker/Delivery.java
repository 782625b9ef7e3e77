package io.logicgraph.model.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One message handed to a consumer. It must end exactly once: {@link #ack()} after its work is
 * done, {@link #requeue()} to hand it back for another try, or {@link #reject()} to dead-letter it.
 * Settling a delivery whose channel died in the meantime does nothing: the broker already put the
 * message back in its queue and will deliver it again.
 */
public final class Delivery {
  private static final Logger LOG = Logger.getLogger(Delivery.class);

  private final Channel channel;
  private final long tag;
  private final String queue;
  private final boolean redelivered;
  private final AMQP.BasicProperties properties;
  private final byte[] body;
  private final AtomicBoolean settled = new AtomicBoolean();

  Delivery(
      Channel channel,
      long tag,
      String queue,
      boolean redelivered,
      AMQP.BasicProperties properties,
      byte[] body) {
    this.channel = channel;
    this.tag = tag;
    this.queue = queue;
    this.redelivered = redelivered;
    this.properties = properties;
    this.body = body;
  }

  public byte[] body() {
    return body;
  }

  public AMQP.BasicProperties properties() {
    return properties;
  }

  public String queue() {
    return queue;
  }

  /** True when the broker delivered this message before (to a consumer that did not settle it). */
  public boolean redelivered() {
    return redelivered;
  }

  /**
   * How many times a quorum queue returned this message before this delivery (its {@code
   * x-delivery-count} header): 0 on a first delivery.
   */
  public long deliveryCount() {
    Map<String, Object> headers = properties.getHeaders();
    Object count = headers == null ? null : headers.get("x-delivery-count");
    if (count instanceof Number number) {
      return number.longValue();
    }
    return redelivered ? 1 : 0;
  }

  /**
   * Done: the broker forgets the message. Returns false when the channel it came on is gone (the
   * broker delivers the message again).
   */
  public boolean ack() {
    return settle("ack", () -> channel.basicAck(tag, false));
  }

  /** Not done: the broker delivers it again (counts towards the queue's delivery limit). */
  public boolean requeue() {
    return settle("requeue", () -> channel.basicNack(tag, false, true));
  }

  /** Never processable: the broker dead-letters it to {@code <queue>.dlq}. */
  public boolean reject() {
    return settle("reject", () -> channel.basicReject(tag, false));
  }

  private interface ChannelCall {
    void run() throws IOException;
  }

  private boolean settle(String how, ChannelCall call) {
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("delivery " + tag + " on " + queue + " settled twice");
    }
    if (!channel.isOpen()) {
      LOG.debugf("%s of a delivery from %s skipped: its channel closed (redelivered)", how, queue);
      return false;
    }
    try {
      call.run();
      return true;
    } catch (IOException | AlreadyClosedException e) {
      LOG.debugf("%s of a delivery from %s lost with its channel: %s", how, queue, e.getMessage());
      return false;
    }
  }
}
