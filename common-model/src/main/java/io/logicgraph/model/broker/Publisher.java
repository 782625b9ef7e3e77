package io.logicgraph.model.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Publishes with publisher confirms: the future of a publish completes only once the broker
 * confirmed the message (it is in its queue, replicated for a quorum queue), and fails when the
 * broker refused it, could not route it (published {@code mandatory}: a missing queue is an error,
 * not a silent drop), the channel died before the confirm, or no confirm came within the timeout.
 *
 * <p>Writes happen on one thread of this publisher, in submission order, so a caller on an event
 * loop never blocks on the socket or on a broker that throttles publishers. Confirms complete the
 * futures on the client's connection thread: continue elsewhere for anything slow.
 */
public final class Publisher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Publisher.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  /** Header carrying the publish sequence number, to match a returned message to its future. */
  static final String SEQUENCE_HEADER = "lgf-publish-seq";

  private final Broker broker;
  private final Duration confirmTimeout;
  private final ExecutorService writer;
  private ConfirmChannel current; // only touched by the writer thread

  Publisher(Broker broker, Duration confirmTimeout) {
    this.broker = broker;
    this.confirmTimeout = confirmTimeout;
    this.writer =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "broker-publish-" + COUNT.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Publishes one message; completes when the broker confirmed it. */
  public CompletableFuture<Void> publish(OutgoingMessage message) {
    return publishAll(List.of(message));
  }

  /** Publishes the messages in order; completes when the broker confirmed every one. */
  public CompletableFuture<Void> publishAll(List<OutgoingMessage> messages) {
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> confirms =
        messages.stream().map(ignored -> new CompletableFuture<Void>()).toList();
    try {
      writer.execute(() -> write(messages, confirms));
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new PublishException("the publisher is closed"));
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new));
    return all.orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            failure -> {
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException
                          && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof TimeoutException) {
                confirms.forEach(
                    c ->
                        c.completeExceptionally(
                            new PublishException("no confirm within " + confirmTimeout)));
                return CompletableFuture.failedFuture(
                    new PublishException(
                        "the broker did not confirm "
                            + messages.size()
                            + " message(s) within "
                            + confirmTimeout.toMillis()
                            + " ms"));
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private void write(List<OutgoingMessage> messages, List<CompletableFuture<Void>> confirms) {
    ConfirmChannel channel;
    try {
      channel = channel();
    } catch (IOException | RuntimeException e) {
      PublishException failure = new PublishException("broker not connected: " + e.getMessage(), e);
      confirms.forEach(c -> c.completeExceptionally(failure));
      return;
    }
    for (int i = 0; i < messages.size(); i++) {
      channel.publish(messages.get(i), confirms.get(i));
    }
  }

  private ConfirmChannel channel() throws IOException {
    ConfirmChannel open = current;
    if (open != null && open.channel.isOpen()) {
      return open;
    }
    Connection connection = broker.publishingConnection();
    if (connection == null) {
      broker.wake();
      throw new IOException(broker.problem());
    }
    current = new ConfirmChannel(connection.createChannel(), broker::topologyLost);
    return current;
  }

  @Override
  public void close() {
    writer.shutdownNow();
  }

  /** One confirm-mode channel and the confirms it still owes. */
  private static final class ConfirmChannel {
    private final Channel channel;
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> outstanding =
        new ConcurrentSkipListMap<>();
    private final Map<Long, String> returned = new java.util.concurrent.ConcurrentHashMap<>();
    private final Runnable onUnroutable;

    ConfirmChannel(Channel channel, Runnable onUnroutable) throws IOException {
      this.channel = channel;
      this.onUnroutable = onUnroutable;
      channel.confirmSelect();
      channel.addConfirmListener(
          (tag, multiple) -> settle(tag, multiple, null),
          (tag, multiple) -> settle(tag, multiple, "the broker refused the message (nack)"));
      channel.addReturnListener(this::returned);
      channel.addShutdownListener(
          cause -> failAll("channel closed before the broker confirmed: " + cause.getMessage()));
    }

    void publish(OutgoingMessage message, CompletableFuture<Void> confirm) {
      long seq = channel.getNextPublishSeqNo();
      outstanding.put(seq, confirm);
      confirm.whenComplete((ignored, failure) -> outstanding.remove(seq));
      try {
        channel.basicPublish(
            message.exchange(),
            message.routingKey(),
            true,
            withSequence(message.properties(), seq),
            message.body());
      } catch (IOException | RuntimeException e) {
        confirm.completeExceptionally(new PublishException("publish failed: " + e.getMessage(), e));
      }
    }

    private void returned(Return ret) {
      // A queue the fleet declares is missing (deleted, or a broker that lost its data): declare
      // the topology again, so that the publisher's retry finds it.
      onUnroutable.run();
      Map<String, Object> headers = ret.getProperties().getHeaders();
      Object seq = headers == null ? null : headers.get(SEQUENCE_HEADER);
      if (seq instanceof Number number) {
        returned.put(
            number.longValue(),
            "unroutable: no queue bound to '"
                + ret.getRoutingKey()
                + "' on exchange '"
                + ret.getExchange()
                + "' ("
                + ret.getReplyText()
                + ")");
      }
    }

    private void settle(long tag, boolean multiple, String refused) {
      Map<Long, CompletableFuture<Void>> done =
          multiple ? outstanding.headMap(tag, true) : singleton(tag);
      for (Map.Entry<Long, CompletableFuture<Void>> entry : Map.copyOf(done).entrySet()) {
        String problem = refused != null ? refused : returned.remove(entry.getKey());
        if (problem == null) {
          entry.getValue().complete(null);
        } else {
          entry.getValue().completeExceptionally(new PublishException(problem));
        }
      }
    }

    private Map<Long, CompletableFuture<Void>> singleton(long tag) {
      CompletableFuture<Void> one = outstanding.get(tag);
      Map<Long, CompletableFuture<Void>> map = new HashMap<>();
      if (one != null) {
        map.put(tag, one);
      }
      return map;
    }

    private void failAll(String why) {
      PublishException failure = new PublishException(why);
      for (CompletableFuture<Void> confirm : List.copyOf(outstanding.values())) {
        confirm.completeExceptionally(failure);
      }
      if (!outstanding.isEmpty()) {
        LOG.debugf("%d publish(es) failed: %s", outstanding.size(), why);
      }
    }

    private static AMQP.BasicProperties withSequence(AMQP.BasicProperties properties, long seq) {
      Map<String, Object> headers =
          properties.getHeaders() == null
              ? new HashMap<>()
              : new HashMap<>(properties.getHeaders());
      headers.put(SEQUENCE_HEADER, seq);
      return properties.builder().headers(headers).build();
    }
  }
}
