package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault suite's load: N executions of a graph submitted at a steady rate by a few client
 * threads, each with its own workload id ({@code wid}, also its Idempotency-Key). A submission is
 * retried (same key) until the gateway answers 2xx or the submission deadline passes; only a 2xx
 * answer makes an execution <em>accepted</em>, and the accepted set is what the {@link FaultLedger}
 * holds the fleet to: it is counted here, from the answers, never from the product's database.
 *
 * <p>Size: system property {@code faults.size} ({@code ci}, the default, or {@code full}).
 */
final class FaultWorkload {
  /** The table of the shop database the workload's DB nodes write their effects to. */
  static final String EFFECTS_TABLE = "fault_effects";

  private static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(120);

  /** How many executions a fault test runs, and how fast they are submitted. */
  record Size(String name, int executions, int perSecond, int joinExecutions) {
    static Size current() {
      String size = System.getProperty("faults.size", "ci");
      return switch (size) {
        case "ci" -> new Size("ci", 16, 16, 6);
        case "full" -> new Size("full", 200, 20, 40);
        default ->
            throw new IllegalArgumentException("faults.size must be ci or full, not " + size);
      };
    }
  }

  private final Fleet fleet;
  private final String graphId;
  private final String graphFile;

  private FaultWorkload(Fleet fleet, String graphFile, String graphId) {
    this.fleet = fleet;
    this.graphFile = graphFile;
    this.graphId = graphId;
  }

  /** Creates the effects table (if missing) and stores the graph. */
  static FaultWorkload prepare(Fleet fleet, String graphFile) {
    fleet
        .database(Fleet.SHOP_DB)
        .execute(
            "CREATE TABLE IF NOT EXISTS "
                + EFFECTS_TABLE
                + " (wid text NOT NULL, node_id text NOT NULL, runs integer NOT NULL DEFAULT 1,"
                + " created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (wid, node_id))");
    String graphId = new FleetClient(fleet).submit(FleetClient.graph(graphFile));
    return new FaultWorkload(fleet, graphFile, graphId);
  }

  String graphId() {
    return graphId;
  }

  String graphFile() {
    return graphFile;
  }

  Fleet fleet() {
    return fleet;
  }

  /** Starts submitting {@code count} executions at {@code perSecond}; returns at once. */
  Run start(String tag, int count, int perSecond) {
    Run run = new Run(this, tag, count);
    run.begin(perSecond);
    return run;
  }

  /** One workload run: its items and what the gateway answered to each. */
  static final class Run {
    private final FaultWorkload workload;
    private final String tag;
    private final List<Item> items = new ArrayList<>();
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final AtomicInteger retries = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Future<?>> submissions = new ArrayList<>();
    private Instant started;
    private Instant submitted;

    private Run(FaultWorkload workload, String tag, int count) {
      this.workload = workload;
      this.tag = tag;
      String stem = tag + "-" + UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < count; i++) {
        items.add(new Item(stem + "-" + i, i + 1));
      }
    }

    private void begin(int perSecond) {
      started = Instant.now();
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        long due = System.nanoTime() + i * intervalNanos;
        submissions.add(
            pool.submit(
                () -> {
                  sleepUntil(due);
                  submit(item);
                }));
      }
      pool.shutdown();
    }

    private void submit(Item item) {
      long deadline = System.nanoTime() + SUBMIT_DEADLINE.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        try {
          Response response =
              new FleetClient(workload.fleet)
                  .execute(workload.graphId, item.context(), null, item.wid());
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            String id = FleetClient.json(response.asString()).path("execution_id").asText();
            accepted.put(item.wid(), id);
            refused.remove(item.wid());
            return;
          }
          last = status + " " + response.asString();
          if (status < 500 && status != 429 && status != 409) {
            break; // a client error is final
          }
        } catch (Exception e) { // connection refused or reset (thrown unchecked): gateway down
          last = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        refused.put(item.wid(), last);
        retries.incrementAndGet();
        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250));
      }
      refused.put(item.wid(), last);
    }

    /** Blocks until at least {@code count} executions were accepted. */
    void awaitAccepted(int count) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> accepted.size() >= count || allSubmitted());
    }

    /** Blocks until every item was accepted or given up. */
    void awaitSubmitted() {
      for (Future<?> future : submissions) {
        try {
          future.get(SUBMIT_DEADLINE.toSeconds() + items.size(), TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("submission did not finish", e);
        }
      }
      if (submitted == null) {
        submitted = Instant.now();
      }
    }

    private boolean allSubmitted() {
      return submissions.stream().allMatch(Future::isDone);
    }

    String tag() {
      return tag;
    }

    FaultWorkload workload() {
      return workload;
    }

    List<Item> items() {
      return Collections.unmodifiableList(items);
    }

    /** wid → execution id, of every execution the gateway accepted (answered 2xx). */
    Map<String, String> accepted() {
      awaitSubmitted();
      return new LinkedHashMap<>(accepted);
    }

    /** wid → last answer, of items never accepted. */
    Map<String, String> refused() {
      return new LinkedHashMap<>(refused);
    }

    int retries() {
      return retries.get();
    }

    Instant started() {
      return started;
    }
  }

  /** One workload item: its id and the execution input it is submitted with. */
  record Item(String wid, int n) {
    Map<String, Object> context() {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("wid", wid);
      context.put("n", n);
      return context;
    }
  }

  static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static void pause(Duration duration) {
    sleepUntil(System.nanoTime() + duration.toNanos());
  }

  static void assertAllAccepted(Run run) {
    assertThat(run.refused()).as("submissions never accepted by the gateway").isEmpty();
  }
}
