package io.logicgraph.orchestrator.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.SuspectTasks;
import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns what the broker dead-lettered into outcomes, so nothing accepted ends silently in a DLQ:
 *
 * <ul>
 *   <li>a task in {@code node.<pool>.tasks.dlq} exceeded the queue's delivery limit: its workers
 *       died (or gave it back) on every delivery, a poison task. It becomes a FAILED result of that
 *       attempt, E011, not retryable, applied like any result (only to the node's current in-flight
 *       attempt, once: a late dead-lettered task of a superseded attempt changes nothing);
 *   <li>a result in {@code results.aggregation.dlq} or a request in {@code graph.orchestration.dlq}
 *       was valid but could not be processed within the delivery limit (e.g. while connections kept
 *       dropping): it is applied again, idempotently, as if it had just arrived.
 * </ul>
 *
 * A message that fails to apply (e.g. PostgreSQL is down) is handed back to its DLQ after a pause
 * and tried again; the DLQs have no delivery limit. A message that cannot even be parsed is logged
 * (without its content) and dropped.
 */
@ApplicationScoped
public class DeadLetterConsumer {
  /** Pause before a message whose application failed is handed back to its DLQ. */
  private static final long RETRY_PAUSE_MS = 5_000;

  private static final int PREFETCH = 16;

  /** worker_id recorded for an attempt the broker gave up on. */
  static final String DEAD_LETTER_WORKER = "dead-letter";

  private final BrokerTopology topology;
  private final Advancer advancer;
  private final QueueMetrics metrics;
  private final Vertx vertx;
  private final ReactiveKeyCommands<String> keys;
  private volatile boolean stopping;
  private volatile Connection connection;

  public DeadLetterConsumer(
      BrokerTopology topology,
      Advancer advancer,
      QueueMetrics metrics,
      Vertx vertx,
      ReactiveRedisDataSource redis) {
    this.keys = redis.key(String.class);
    this.topology = topology;
    this.advancer = advancer;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  void onStart(@Observes StartupEvent event) {
    Thread thread = new Thread(this::connectWithRetry, "dead-letter-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close(2_000);
      } catch (Exception e) {
        // shutting down anyway
      }
    }
  }

  /** The DLQs consumed: queue → kind. */
  static Map<String, Kind> queues() {
    return Map.of(
        Queues.DB_TASKS + ".dlq", Kind.TASK,
        Queues.AI_TASKS + ".dlq", Kind.TASK,
        Queues.RULE_TASKS + ".dlq", Kind.TASK,
        Queues.RESULTS_AGGREGATION + ".dlq", Kind.RESULT,
        Queues.GRAPH_ORCHESTRATION + ".dlq", Kind.REQUEST);
  }

  enum Kind {
    TASK,
    RESULT,
    REQUEST
  }

  private void connectWithRetry() {
    long backoffMs = 500;
    while (!stopping) {
      try {
        if (topology.isDeclared()) {
          // Automatic recovery (the client's default) reopens the channels and consumers after a
          // dropped connection; only the first connection is retried here.
          Connection c = topology.newConnection("orchestrator-dead-letters");
          for (Map.Entry<String, Kind> queue : queues().entrySet()) {
            Channel channel = c.createChannel();
            channel.basicQos(PREFETCH);
            channel.basicConsume(
                queue.getKey(), false, new Handler(channel, queue.getKey(), queue.getValue()));
          }
          connection = c;
          Log.infof("consuming the dead-letter queues %s", queues().keySet());
          return;
        }
      } catch (Exception e) {
        Log.warnf(
            "dead-letter queues not consumed yet (%s); retrying in %d ms",
            e.getMessage(), backoffMs);
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMs = Math.min(backoffMs * 2, 5_000);
    }
  }

  private final class Handler extends DefaultConsumer {
    private final String queue;
    private final Kind kind;

    Handler(Channel channel, String queue, Kind kind) {
      super(channel);
      this.queue = queue;
      this.kind = kind;
    }

    @Override
    public void handleDelivery(
        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      long tag = envelope.getDeliveryTag();
      metrics.consumed(queue);
      Uni<Void> work;
      String what;
      try {
        switch (kind) {
          case TASK -> {
            NodeTask task = Json.MAPPER.readValue(body, NodeTask.class);
            if (task.executionId() == null || task.nodeId() == null || task.attempt() < 1) {
              throw new IOException("not a node task");
            }
            String reason = reason(properties);
            String mark = SuspectTasks.key(task.executionId(), task.nodeId(), task.attempt());
            what =
                "dead-lettered task "
                    + task.executionId()
                    + "/"
                    + task.nodeId()
                    + "#"
                    + task.attempt();
            work =
                isMarked(mark)
                    .chain(
                        poison -> {
                          NodeResult failed = deadLettered(task, reason, poison);
                          Log.errorf(
                              "dead-lettered task %s/%s#%d: %s; the attempt fails with %s%s",
                              task.executionId(),
                              task.nodeId(),
                              task.attempt(),
                              failed.error().message(),
                              failed.error().code(),
                              poison ? "" : " (retryable, re-dispatched)");
                          return advancer.apply(failed);
                        })
                    .call(() -> keys.del(mark).onFailure().recoverWithNull());
          }
          case RESULT -> {
            NodeResult result = Json.MAPPER.readValue(body, NodeResult.class);
            if (result.executionId() == null || result.nodeId() == null || result.attempt() < 1) {
              throw new IOException("not a node result");
            }
            what = "dead-lettered result " + describe(result);
            Log.warnf("%s applied again", what);
            work = advancer.apply(result);
          }
          default -> {
            ExecutionRequest request = Json.MAPPER.readValue(body, ExecutionRequest.class);
            if (request.executionId() == null) {
              throw new IOException("not an execution request");
            }
            what = "dead-lettered request of execution " + request.executionId();
            Log.warnf("%s served again", what);
            work = advancer.request(request.executionId());
          }
        }
      } catch (IOException | RuntimeException e) {
        Log.errorf(
            "unreadable message of %d bytes in %s dropped: %s", body.length, queue, e.getMessage());
        settle(tag, true);
        return;
      }
      Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
      String description = what;
      context.runOnContext(
          ignored ->
              work.subscribe()
                  .with(
                      done -> settle(tag, true),
                      failure -> {
                        Log.warnf(
                            "%s could not be applied (%s); tried again in %d s",
                            description,
                            failure.getMessage(),
                            TimeUnit.MILLISECONDS.toSeconds(RETRY_PAUSE_MS));
                        vertx.setTimer(RETRY_PAUSE_MS, id -> settle(tag, false));
                      }));
    }

    /** Acks (done) or hands the message back to its DLQ (to try again). */
    private void settle(long tag, boolean done) {
      try {
        if (done) {
          getChannel().basicAck(tag, false);
        } else {
          getChannel().basicNack(tag, false, true);
        }
      } catch (IOException | RuntimeException e) {
        // The channel closed: the broker hands the message out again after recovery.
        Log.debugf("cannot settle a dead-lettered message: %s", e.getMessage());
      }
    }
  }

  /** True when the task's suspect mark exists; false when Redis does not answer in time. */
  private Uni<Boolean> isMarked(String mark) {
    return keys.exists(mark)
        .ifNoItem()
        .after(Duration.ofSeconds(2))
        .recoverWithItem(false)
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf(
                  "suspect mark %s not readable (%s): treated as absent", mark, e.getMessage());
              return false;
            });
  }

  /**
   * The FAILED result of an attempt whose task the broker dead-lettered: permanent for a poison
   * task (its worker died running it alone), retryable otherwise.
   */
  static NodeResult deadLettered(NodeTask task, String reason, boolean poison) {
    NodeError error;
    if (poison) {
      error =
          NodeError.permanent(
              ErrorCode.E011,
              task.nodeId(),
              "poison task: workers died while running it alone, delivery after delivery, until it"
                  + " was dead-lettered ("
                  + reason
                  + ")",
              "see the worker logs for execution "
                  + task.executionId()
                  + "; after a fix, POST /executions/"
                  + task.executionId()
                  + "/retry");
    } else {
      error =
          NodeError.retryable(
              ErrorCode.E011,
              task.nodeId(),
              "the task was dead-lettered by the broker ("
                  + reason
                  + ") without crashing a worker itself (it was delivered alongside a poison task"
                  + " or to failing workers); dispatched again",
              null);
    }
    Instant now = Instant.now();
    return new NodeResult(
        NodeResult.SCHEMA_VERSION,
        task.executionId(),
        task.nodeId(),
        task.attempt(),
        NodeOutcome.FAILED,
        null,
        error,
        null,
        now,
        DEAD_LETTER_WORKER);
  }

  /** The broker's reason for the first dead-lettering (e.g. delivery_limit, rejected). */
  static String reason(AMQP.BasicProperties properties) {
    Map<String, Object> headers = properties == null ? null : properties.getHeaders();
    Object reason = headers == null ? null : headers.get("x-first-death-reason");
    return reason == null ? "reason unknown" : reason.toString();
  }

  private static String describe(NodeResult result) {
    return result.executionId() + "/" + result.nodeId() + "#" + result.attempt();
  }
}
