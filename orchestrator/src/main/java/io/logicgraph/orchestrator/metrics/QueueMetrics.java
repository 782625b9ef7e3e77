package io.logicgraph.orchestrator.metrics;

import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.Queues;
import io.logicgraph.model.message.Topology;
import io.logicgraph.orchestrator.messaging.OrchestratorBroker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The queue figures of the seed's dashboards, refreshed periodically:
 *
 * <ul>
 *   <li>{@code queue_depth}: ready messages in each queue, dead-letter queue and {@code
 *       lgf.parked}, read from the broker (every replica reports the same value; aggregate with
 *       max);
 *   <li>{@code queue_age_seconds}: for a task queue, the age of its oldest task not yet answered
 *       (queued or being worked on); for {@code graph.orchestration}, the age of the oldest
 *       execution not yet started. Read from PostgreSQL;
 *   <li>{@code queue_processing_rate}: messages per second this replica consumed from the queue
 *       (results of that pool's tasks, for a task queue) over the last interval; sum replicas.
 * </ul>
 */
@ApplicationScoped
public class QueueMetrics {
  private static final List<String> QUEUES = queuesWithDeadLetters();

  private final OrchestratorBroker broker;
  private final Pool pool;
  private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();
  private final Map<String, Double> age = new ConcurrentHashMap<>();
  private final Map<String, Double> rate = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> consumed = new ConcurrentHashMap<>();
  private long lastRefreshNanos = System.nanoTime();

  public QueueMetrics(OrchestratorBroker broker, Pool pool, MeterRegistry registry) {
    this.broker = broker;
    this.pool = pool;
    for (String queue : QUEUES) {
      depth.put(queue, new AtomicLong());
      Gauge.builder("queue_depth", depth.get(queue), AtomicLong::get)
          .description("Messages ready in the queue")
          .tag("queue_name", queue)
          .register(registry);
    }
    for (String queue : Topology.QUEUES) {
      age.put(queue, 0.0);
      rate.put(queue, 0.0);
      consumed.put(queue, new DoubleAdder());
      if (!queue.equals(Queues.RESULTS_AGGREGATION)) {
        Gauge.builder("queue_age_seconds", age, m -> m.get(queue))
            .description("Age of the oldest unanswered message of the queue")
            .tag("queue_name", queue)
            .register(registry);
      }
      Gauge.builder("queue_processing_rate", rate, m -> m.get(queue))
          .description("Messages consumed per second from the queue, by this replica")
          .tag("queue_name", queue)
          .register(registry);
    }
  }

  /** Counts one consumed message of a queue. */
  public void consumed(String queue) {
    DoubleAdder adder = consumed.get(queue);
    if (adder != null) {
      adder.add(1);
    }
  }

  @Scheduled(
      every = "${orchestrator.queue-metrics-interval}",
      delayed = "${orchestrator.reconcile-delay}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void refresh() {
    long now = System.nanoTime();
    double seconds = Math.max(0.001, (now - lastRefreshNanos) / 1e9);
    lastRefreshNanos = now;
    consumed.forEach((queue, adder) -> rate.put(queue, adder.sumThenReset() / seconds));
    refreshDepths();
    refreshAges();
  }

  private void refreshDepths() {
    if (!broker.broker().isReady()) {
      Log.debugf("queue depths not refreshed: %s", broker.broker().problem());
      return;
    }
    for (String queue : QUEUES) {
      try {
        depth.get(queue).set(broker.broker().messageCount(queue));
      } catch (java.io.IOException | RuntimeException e) {
        // The queue does not exist (yet), or the connection just dropped: nothing known waiting.
        depth.get(queue).set(0);
      }
    }
  }

  private void refreshAges() {
    try {
      Map<String, Double> ages = new ConcurrentHashMap<>();
      for (WorkerKind kind : WorkerKind.values()) {
        if (kind.isPool()) {
          ages.put(kind.queue(), 0.0);
        }
      }
      ages.put(Queues.GRAPH_ORCHESTRATION, 0.0);
      for (Row row :
          pool.query(
                  "SELECT node_type, extract(epoch FROM now() - min(dispatched_at)) AS age"
                      + " FROM node_executions WHERE status IN ('queued', 'running')"
                      + " AND dispatched_at IS NOT NULL GROUP BY node_type")
              .execute()
              .await()
              .atMost(Duration.ofSeconds(5))) {
        NodeType.fromTypeName(row.getString("node_type"))
            .filter(type -> type.worker().isPool())
            .ifPresent(
                type ->
                    ages.merge(
                        type.worker().queue(), row.getNumeric("age").doubleValue(), Math::max));
      }
      for (Row row :
          pool.query(
                  "SELECT extract(epoch FROM now() - min(created_at)) AS age"
                      + " FROM graph_executions WHERE status = 'pending'")
              .execute()
              .await()
              .atMost(Duration.ofSeconds(5))) {
        if (row.getValue("age") != null) {
          ages.put(Queues.GRAPH_ORCHESTRATION, row.getNumeric("age").doubleValue());
        }
      }
      age.putAll(ages);
    } catch (RuntimeException e) {
      Log.debugf("queue ages not refreshed: %s", e.getMessage());
    }
  }

  private static List<String> queuesWithDeadLetters() {
    List<String> queues = new ArrayList<>(Topology.QUEUES);
    Topology.QUEUES.forEach(queue -> queues.add(queue + ".dlq"));
    queues.add(Topology.PARKED);
    return List.copyOf(queues);
  }
}
