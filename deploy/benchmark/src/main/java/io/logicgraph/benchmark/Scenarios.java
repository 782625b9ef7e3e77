package io.logicgraph.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The load shapes of the benchmark, each against a running fleet through its REST API. */
final class Scenarios {
  private Scenarios() {}

  // ---------------------------------------------------------------- graphs

  /** n01 -> n02 -> ... -> n{count}, trivial RuleNodes. */
  static String chain(int count) {
    Map<String, Object> nodes = new LinkedHashMap<>();
    List<Map<String, String>> edges = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.put(chainNode(i), rule());
      if (i > 1) {
        edges.add(Map.of("from", chainNode(i - 1), "to", chainNode(i)));
      }
    }
    return graph("bench-chain-" + count, nodes, edges);
  }

  static String chainNode(int i) {
    return String.format("n%02d", i);
  }

  /** root -> f01..f{count-1}: {@code count} trivial RuleNodes. */
  static String fanOut(int count) {
    Map<String, Object> nodes = new LinkedHashMap<>();
    List<Map<String, String>> edges = new ArrayList<>();
    nodes.put("root", rule());
    for (int i = 1; i < count; i++) {
      String id = String.format("f%02d", i);
      nodes.put(id, rule());
      edges.add(Map.of("from", "root", "to", id));
    }
    return graph("bench-fanout-" + count, nodes, edges);
  }

  /** a -> (b, c, d) -> e: five RuleNodes with a fork and a join. */
  static String fiveNodes() {
    Map<String, Object> nodes = new LinkedHashMap<>();
    List<Map<String, String>> edges = new ArrayList<>();
    for (String id : List.of("a", "b", "c", "d", "e")) {
      nodes.put(id, rule());
    }
    for (String middle : List.of("b", "c", "d")) {
      edges.add(Map.of("from", "a", "to", middle));
      edges.add(Map.of("from", middle, "to", "e"));
    }
    return graph("bench-five", nodes, edges);
  }

  static String single() {
    return graph("bench-single", Map.of("only", rule()), List.of());
  }

  /** {@code count} independent OpenAINodes answered by the emulator after {@code latencyMs}. */
  static String aiNodes(int count, int latencyMs) {
    Map<String, Object> nodes = new LinkedHashMap<>();
    for (int i = 1; i <= count; i++) {
      nodes.put(
          String.format("ai%02d", i),
          Map.of(
              "node_type",
              "OpenAINode",
              "model",
              "emulator-slow-" + latencyMs,
              "prompt",
              "benchmark",
              "max_tokens",
              16));
    }
    return graph("bench-ai-" + count, nodes, List.of());
  }

  private static Map<String, String> rule() {
    return Map.of("node_type", "RuleNode", "condition", "true");
  }

  private static String graph(
      String name, Map<String, Object> nodes, List<Map<String, String>> edges) {
    try {
      Map<String, Object> graph = new LinkedHashMap<>();
      graph.put("name", name);
      graph.put("nodes", nodes);
      graph.put("edges", edges);
      return FleetApi.JSON.writeValueAsString(graph);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- closed loop

  /** Executions that ended inside the measured window, and what else happened. */
  record LoopResult(
      int completed,
      int failed,
      int late,
      double seconds,
      List<Double> latenciesMillis,
      long probed) {
    double perSecond() {
      return completed / seconds;
    }
  }

  /**
   * Keeps {@code concurrency} executions of a graph in flight ({@code execute?wait}: each answer
   * starts the next one) for warm-up + duration; counts the executions that completed inside the
   * measured window.
   */
  static LoopResult closedLoop(
      FleetApi api, String graphId, int concurrency, Duration warmup, Duration duration) {
    return closedLoop(api, graphId, concurrency, warmup, duration, () -> 0L);
  }

  /**
   * As above, and samples {@code probe} (a counter the fleet keeps, e.g. node attempts recorded) at
   * the window's start and end; their difference is the result's {@code probed}.
   */
  static LoopResult closedLoop(
      FleetApi api,
      String graphId,
      int concurrency,
      Duration warmup,
      Duration duration,
      LongSupplier probe) {
    long windowStart = System.nanoTime() + warmup.toNanos();
    long windowEnd = windowStart + duration.toNanos();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger late = new AtomicInteger();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      loop(api, graphId, windowStart, windowEnd, completed, failed, late, latencies, done);
    }
    long probed;
    try {
      sleepUntil(windowStart);
      long first = probe.getAsLong();
      sleepUntil(windowEnd);
      probed = probe.getAsLong() - first;
      if (!done.await(duration.plus(warmup).toSeconds() + 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("executions still running 60 s after the window ended");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new LoopResult(
        completed.get(),
        failed.get(),
        late.get(),
        duration.toNanos() / 1e9,
        List.copyOf(latencies),
        probed);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void loop(
      FleetApi api,
      String graphId,
      long windowStart,
      long windowEnd,
      AtomicInteger completed,
      AtomicInteger failed,
      AtomicInteger late,
      List<Double> latencies,
      CountDownLatch done) {
    api.execute(graphId, 30_000)
        .whenComplete(
            (answer, error) -> {
              long at = answer == null ? System.nanoTime() : answer.answeredNanos();
              boolean inWindow = at >= windowStart && at <= windowEnd;
              if (inWindow) {
                if (error != null || answer.status() >= 300 && answer.status() != 202) {
                  if (failed.incrementAndGet() == 1) {
                    Benchmark.log(
                        "first failed execute: "
                            + (error != null ? error : answer.status() + " " + answer.body()));
                  }
                } else if (answer.status() == 202) {
                  late.incrementAndGet();
                } else if ("completed".equals(answer.body().path("status").asText())) {
                  completed.incrementAndGet();
                  latencies.add(answer.latencyMillis());
                } else {
                  if (failed.incrementAndGet() == 1) {
                    Benchmark.log("first failed execution: " + answer.body());
                  }
                }
              }
              if (System.nanoTime() < windowEnd) {
                loop(
                    api, graphId, windowStart, windowEnd, completed, failed, late, latencies, done);
              } else {
                done.countDown();
              }
            });
  }

  // ---------------------------------------------------------------- hand-off

  /** Hand-offs between consecutive chain nodes, from the node timestamps the fleet recorded. */
  record HandOffResult(int executions, int failed, List<Double> handOffsMillis) {}

  /**
   * Starts executions of the chain at a fixed rate (open loop) for {@code duration}, waits for all
   * to end, then reads each execution's node timestamps: hand-off = next node's started_at −
   * previous node's completed_at.
   */
  static HandOffResult handOff(
      FleetApi api, String graphId, int nodes, double rate, Duration duration) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<FleetApi.Answer>> started =
        Collections.synchronizedList(new ArrayList<>());
    long periodMicros = (long) (1_000_000 / rate);
    int total = (int) Math.round(rate * duration.toMillis() / 1000.0);
    AtomicInteger fired = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(total);
    timer.scheduleAtFixedRate(
        () -> {
          if (fired.getAndIncrement() < total) {
            started.add(api.execute(graphId, 0));
            all.countDown();
          }
        },
        0,
        periodMicros,
        TimeUnit.MICROSECONDS);
    try {
      all.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      timer.shutdownNow();
    }
    List<String> ids = new ArrayList<>();
    int failed = 0;
    for (CompletableFuture<FleetApi.Answer> future : started) {
      FleetApi.Answer answer = future.join();
      if (answer.status() == 202) {
        ids.add(answer.body().path("execution_id").asText());
      } else {
        failed++;
      }
    }
    List<Double> handOffs = new ArrayList<>();
    Map<String, JsonNode> finished = new ConcurrentHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (finished.size() < ids.size() && System.nanoTime() < deadline) {
      for (String id : ids) {
        if (!finished.containsKey(id)) {
          JsonNode execution = api.execution(id);
          String status = execution.path("status").asText();
          if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
            finished.put(id, execution);
          }
        }
      }
      if (finished.size() < ids.size()) {
        BenchFleet.pause(200);
      }
    }
    for (String id : ids) {
      JsonNode execution = finished.get(id);
      if (execution == null || !"completed".equals(execution.path("status").asText())) {
        failed++;
        continue;
      }
      JsonNode nodeStates = execution.path("nodes");
      for (int i = 1; i < nodes; i++) {
        Instant completedAt =
            Instant.parse(nodeStates.path(chainNode(i)).path("completed_at").asText());
        Instant startedAt =
            Instant.parse(nodeStates.path(chainNode(i + 1)).path("started_at").asText());
        handOffs.add(Duration.between(completedAt, startedAt).toNanos() / 1e6);
      }
    }
    return new HandOffResult(ids.size(), failed, handOffs);
  }

  // ---------------------------------------------------------------- wait latency

  /** Sequential {@code execute?wait} calls; latencies of those that answered 200 completed. */
  static LoopResult sequentialWait(FleetApi api, String graphId, int warmup, int requests) {
    List<Double> latencies = new ArrayList<>();
    int failed = 0;
    long start = 0;
    for (int i = -warmup; i < requests; i++) {
      if (i == 0) {
        start = System.nanoTime();
      }
      FleetApi.Answer answer = api.executeAndWait(graphId, 5_000);
      if (i < 0) {
        continue;
      }
      if (answer.status() == 200 && "completed".equals(answer.body().path("status").asText())) {
        latencies.add(answer.latencyMillis());
      } else {
        failed++;
      }
    }
    return new LoopResult(
        latencies.size(), failed, 0, (System.nanoTime() - start) / 1e9, latencies, 0);
  }

  // ---------------------------------------------------------------- memory

  /** Samples the RSS of every fleet process while a scenario runs; keeps each one's maximum. */
  static <T> T withRss(BenchFleet fleet, Map<String, Long> maxRss, Supplier<T> scenario) {
    AtomicInteger running = new AtomicInteger(1);
    Thread sampler =
        new Thread(
            () -> {
              while (running.get() == 1) {
                for (BenchFleet.Proc proc : fleet.processes().values()) {
                  long rss = BenchFleet.rssBytes(proc.pid());
                  maxRss.merge(proc.name(), rss, Math::max);
                }
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try {
      return scenario.get();
    } finally {
      running.set(0);
      sampler.interrupt();
    }
  }
}
