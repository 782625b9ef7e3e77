package io.logicgraph.orchestrator.messaging;

import com.rabbitmq.client.AMQP;
import io.logicgraph.model.broker.Delivery;
import io.logicgraph.model.broker.OutgoingMessage;
import io.logicgraph.model.broker.Subscription;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.message.ExecutionRequest;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.SuspectTasks;
import io.logicgraph.model.message.Topology;
import io.logicgraph.orchestrator.Advancer;
import io.logicgraph.orchestrator.metrics.QueueMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *       dropping): it is applied again, idempotently, as if it had just arrived;
 *   <li>a message that cannot be read at all is parked: published, body and headers unchanged plus
 *       {@link Topology#PARKED_FROM_HEADER} (and {@link Topology#PARKED_REASON_HEADER}), to {@link
 *       Topology#PARKED}, and acked only once the broker confirmed the parked copy; counted in
 *       {@code lgf_dead_letters_parked_total{queue}}. An operator inspects, drops or replays it
 *       (docs/operating.md).
 * </ul>
 *
 * A message that fails to apply (e.g. PostgreSQL is down) or to park is handed back to its DLQ
 * after a pause and tried again; the DLQs have no delivery limit. The DLQs are consumed through the
 * orchestrator's broker link, so they are consumed again after every reconnect.
 */
@ApplicationScoped
public class DeadLetterConsumer {
  /** Pause before a message whose application failed is handed back to its DLQ. */
  private static final long RETRY_PAUSE_MS = 5_000;

  private static final int PREFETCH = 16;

  /** worker_id recorded for an attempt the broker gave up on. */
  static final String DEAD_LETTER_WORKER = "dead-letter";

  private final OrchestratorBroker broker;
  private final Advancer advancer;
  private final QueueMetrics metrics;
  private final Vertx vertx;
  private final ReactiveKeyCommands<String> keys;
  private final Map<String, Counter> parked = new ConcurrentHashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();

  public DeadLetterConsumer(
      OrchestratorBroker broker,
      Advancer advancer,
      QueueMetrics metrics,
      Vertx vertx,
      ReactiveRedisDataSource redis,
      MeterRegistry registry) {
    this.keys = redis.key(String.class);
    this.broker = broker;
    this.advancer = advancer;
    this.metrics = metrics;
    this.vertx = vertx;
    for (String queue : queues().keySet()) {
      parked.put(
          queue,
          Counter.builder("lgf.dead.letters.parked")
              .description("Dead letters the orchestrator could not read, parked in lgf.parked")
              .tag("queue", queue)
              .register(registry));
    }
  }

  void onStart(@Observes StartupEvent event) {
    for (Map.Entry<String, Kind> queue : queues().entrySet()) {
      subscriptions.add(
          broker
              .broker()
              .subscribe(
                  queue.getKey(),
                  PREFETCH,
                  delivery -> handle(delivery, queue.getKey(), queue.getValue())));
    }
    Log.debugf("consuming the dead-letter queues %s", queues().keySet());
  }

  void onStop(@Observes ShutdownEvent event) {
    subscriptions.forEach(Subscription::cancel);
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

  private void handle(Delivery delivery, String queue, Kind kind) {
    metrics.consumed(queue);
    byte[] body = delivery.body();
    AMQP.BasicProperties properties = delivery.properties();
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
              Uni.createFrom()
                  .deferred(() -> isMarked(mark))
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
          work =
              Uni.createFrom()
                  .deferred(
                      () -> {
                        Log.warnf("%s applied again", describe(result));
                        return advancer.apply(result);
                      });
        }
        default -> {
          ExecutionRequest request = Json.MAPPER.readValue(body, ExecutionRequest.class);
          if (request.executionId() == null) {
            throw new IOException("not an execution request");
          }
          what = "dead-lettered request of execution " + request.executionId();
          work =
              Uni.createFrom()
                  .deferred(
                      () -> {
                        Log.warnf(
                            "dead-lettered request of execution %s served again",
                            request.executionId());
                        return advancer.request(request.executionId());
                      });
        }
      }
    } catch (IOException | RuntimeException e) {
      String reason = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
      what = "unreadable message of " + body.length + " bytes from " + queue;
      Log.errorf("%s parked in %s (%s)", what, Topology.PARKED, reason);
      work = park(delivery, queue, reason).invoke(() -> parked.get(queue).increment());
    }
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    String description = what;
    Uni<Void> running = work;
    context.runOnContext(
        ignored ->
            running
                .subscribe()
                .with(
                    done -> delivery.ack(),
                    failure -> {
                      Log.warnf(
                          "%s could not be applied (%s); tried again in %d s",
                          description,
                          failure.getMessage(),
                          TimeUnit.MILLISECONDS.toSeconds(RETRY_PAUSE_MS));
                      vertx.setTimer(RETRY_PAUSE_MS, id -> delivery.requeue());
                    }));
  }

  /**
   * Publishes an unreadable dead letter to {@link Topology#PARKED}, unchanged but for two headers
   * (the queue it came from, why it was parked); completes once the broker confirmed the copy.
   */
  private Uni<Void> park(Delivery delivery, String queue, String reason) {
    AMQP.BasicProperties original = delivery.properties();
    Map<String, Object> headers =
        original.getHeaders() == null ? new HashMap<>() : new HashMap<>(original.getHeaders());
    headers.put(Topology.PARKED_FROM_HEADER, queue);
    headers.put(Topology.PARKED_REASON_HEADER, reason);
    AMQP.BasicProperties properties = original.builder().headers(headers).deliveryMode(2).build();
    OutgoingMessage copy = new OutgoingMessage("", Topology.PARKED, properties, delivery.body());
    return Uni.createFrom().completionStage(() -> broker.publisher().publish(copy));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
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
