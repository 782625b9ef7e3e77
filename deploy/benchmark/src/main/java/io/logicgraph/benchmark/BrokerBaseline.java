package io.logicgraph.benchmark;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-only bound of one node: a producer publishes a persistent 300-byte "task" to a quorum
 * queue with confirms; a relay consumes it (manual ack, bounded prefetch), publishes a persistent
 * "result" to a second quorum queue, and acks the task only after the result is confirmed; a sink
 * consumes and acks the results. Each completed pair is two durable, confirmed, acked messages, as
 * one node task is in the fleet, with no state, no history and no decision in between.
 *
 * <p>Unpaced, the producer keeps {@value #PUBLISH_WINDOW} messages unconfirmed: the broker's upper
 * bound. Paced, it publishes at a fixed rate (the fleet's measured one), which shows what the same
 * durable path costs the broker per message when it is not saturated.
 */
final class BrokerBaseline {
  /** Pairs completed per second and the broker's CPU time per pair during the window. */
  record Result(double pairsPerSecond, double brokerCpuMillisPerPair) {}

  private static final String TASKS = "benchmark.baseline.tasks";
  private static final String RESULTS = "benchmark.baseline.results";
  private static final int PREFETCH = 250;
  private static final int PUBLISH_WINDOW = 1000;

  private BrokerBaseline() {}

  /**
   * Pairs (task + result) completed per second over {@code duration}, after a 1 s warm-up, with the
   * producer unpaced ({@code perSecond} 0) or publishing {@code perSecond} tasks a second.
   */
  static Result run(String amqpUrl, Duration duration, double perSecond) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUrl);
    byte[] payload = new byte[300];
    java.util.Arrays.fill(payload, (byte) 'x');
    Connection producerConnection = factory.newConnection("baseline-producer");
    Connection relayConnection = factory.newConnection("baseline-relay");
    Connection sinkConnection = factory.newConnection("baseline-sink");
    try {
      Channel setup = producerConnection.createChannel();
      Map<String, Object> quorum = Map.of("x-queue-type", "quorum");
      for (String queue : new String[] {TASKS, RESULTS}) {
        setup.queueDeclare(queue, true, false, false, quorum);
        setup.queuePurge(queue);
      }
      setup.close();

      AtomicLong consumed = new AtomicLong();
      Channel sink = sinkConnection.createChannel();
      sink.basicQos(PREFETCH);
      sink.basicConsume(
          RESULTS,
          false,
          new DefaultConsumer(sink) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
              getChannel().basicAck(envelope.getDeliveryTag(), false);
              consumed.incrementAndGet();
            }
          });

      Channel relay = relayConnection.createChannel();
      relay.basicQos(PREFETCH);
      relay.confirmSelect();
      NavigableMap<Long, Long> unconfirmed = new ConcurrentSkipListMap<>();
      relay.addConfirmListener(
          (sequence, multiple) -> {
            NavigableMap<Long, Long> done =
                multiple
                    ? unconfirmed.headMap(sequence, true)
                    : unconfirmed.subMap(sequence, true, sequence, true);
            for (Long deliveryTag : done.values()) {
              relay.basicAck(deliveryTag, false);
            }
            done.clear();
          },
          (sequence, multiple) -> {
            throw new IOException("the broker refused a result (nack " + sequence + ")");
          });
      relay.basicConsume(
          TASKS,
          false,
          new DefaultConsumer(relay) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
              synchronized (relay) {
                unconfirmed.put(relay.getNextPublishSeqNo(), envelope.getDeliveryTag());
                relay.basicPublish("", RESULTS, MessageProperties.PERSISTENT_BASIC, body);
              }
            }
          });

      Channel producer = producerConnection.createChannel();
      producer.confirmSelect();
      Semaphore window = new Semaphore(PUBLISH_WINDOW);
      NavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
      producer.addConfirmListener(
          (sequence, multiple) -> release(outstanding, window, sequence, multiple),
          (sequence, multiple) -> release(outstanding, window, sequence, multiple));
      AtomicBoolean running = new AtomicBoolean(true);
      Thread publisher =
          new Thread(
              () -> {
                try {
                  long begin = System.nanoTime();
                  long published = 0;
                  while (running.get()) {
                    if (perSecond > 0) {
                      long due = begin + (long) (published * 1e9 / perSecond);
                      long wait = due - System.nanoTime();
                      if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        continue;
                      }
                      published++;
                    }
                    window.acquire();
                    outstanding.put(producer.getNextPublishSeqNo(), Boolean.TRUE);
                    producer.basicPublish("", TASKS, MessageProperties.PERSISTENT_BASIC, payload);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              "baseline-publisher");
      publisher.start();
      Thread.sleep(1000);
      long before = consumed.get();
      long brokerBefore = CostMeter.brokerTicks();
      long start = System.nanoTime();
      Thread.sleep(duration.toMillis());
      long pairs = consumed.get() - before;
      long brokerTicks = CostMeter.brokerTicks() - brokerBefore;
      double seconds = (System.nanoTime() - start) / 1e9;
      running.set(false);
      window.release(PUBLISH_WINDOW);
      publisher.join(5000);
      // Consumers stop before their queues go: the broker fails a relay that publishes into a
      // queue being deleted with a connection error (541).
      relayConnection.abort();
      sinkConnection.abort();
      Channel teardown = producerConnection.createChannel();
      teardown.queueDelete(TASKS);
      teardown.queueDelete(RESULTS);
      return new Result(
          pairs / seconds, pairs == 0 ? 0 : brokerTicks * CostMeter.MILLIS_PER_TICK / pairs);
    } finally {
      // abort() never throws, also not for a connection the broker already closed
      producerConnection.abort();
      relayConnection.abort();
      sinkConnection.abort();
    }
  }

  private static void release(
      NavigableMap<Long, Boolean> outstanding, Semaphore window, long sequence, boolean multiple) {
    NavigableMap<Long, Boolean> done =
        multiple
            ? outstanding.headMap(sequence, true)
            : outstanding.subMap(sequence, true, sequence, true);
    int count = done.size();
    done.clear();
    window.release(count);
  }
}
