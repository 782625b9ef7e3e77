package io.logicgraph.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts a fleet of its own, measures every figure of spec/06 as repeated runs (medians, p99 where
 * the target says p99, and the spread) and writes a Markdown report with two SVG plots next to it.
 * Every figure carries the load average of the machine around it; the cost of durability is a ratio
 * against a broker-only baseline measured in the same run.
 */
public final class Benchmark {
  /** A restart begins once the machine's CPU was below this share for a second. */
  private static final double SETTLED = 0.25;

  private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);

  private static final String AI_MODEL_LATENCY = "200";
  private static final int AI_NODES_PER_EXECUTION = 8;

  private final Options options;
  private final Report report;

  Benchmark(Options options) {
    this.options = options;
    this.report = new Report(options);
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Path report = new Benchmark(options).run();
      System.out.println("[benchmark] report: " + report);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
    // HTTP and AMQP client threads would keep the JVM alive.
    System.exit(0);
  }

  /** Runs every scenario and returns the report's path. */
  Path run() throws Exception {
    Files.createDirectories(options.output().toAbsolutePath().getParent());
    report.machine(Load.now());
    try (BenchFleet fleet = new BenchFleet(options)) {
      log("preparing vhost, database and Redis index of fleet " + options.fleetName());
      fleet.prepareInfrastructure();
      fleet.startEmulator();
      Map<String, List<Long>> startTimes = new LinkedHashMap<>();
      for (String service : BenchFleet.SERVICES) {
        long millis = fleet.start(service, service);
        log(service + " ready in " + millis + " ms (first start, includes migrations)");
        report.firstStart(service, millis);
      }

      FleetApi api = new FleetApi(fleet.apiBaseUri(), fleet.apiKey());
      MachineSpeed.sampleMillis(); // JIT warm-up of the probe
      warmUp(api);
      if (options.includes("fanout")) {
        speed("fan-out");
        brokerAndFanOut(fleet);
      }
      if (options.includes("handoff")) {
        speed("hand-off");
        handOff(fleet, api);
      }
      if (options.includes("executions")) {
        speed("5-node executions");
        executionsPerSecond(fleet, api);
      }
      if (options.includes("wait")) {
        speed("execute?wait");
        waitLatency(fleet, api);
      }
      if (options.includes("start")) {
        speed("start to ready");
        startToReady(fleet, startTimes);
      }
      if (options.includes("ai")) {
        speed("AI scale-out");
        scaleOut(fleet, api);
      }
      speed("end");
    } finally {
      report.machineAfter(Load.now());
      Files.writeString(options.output(), report.markdown(), StandardCharsets.UTF_8);
    }
    return options.output();
  }

  /** Samples the machine's speed once it settled, before a scenario (see {@link MachineSpeed}). */
  private void speed(String before) throws InterruptedException {
    CostMeter.settle(SETTLED, SETTLE_WAIT);
    double millis = MachineSpeed.sampleMillis();
    log(String.format(Locale.ROOT, "machine speed before %s: %.1f ms", before, millis));
    report.machineSpeed(before, millis);
  }

  /**
   * Fresh JVMs run interpreted code and fill their pools first: a mixed load that is not measured,
   * so the first scenario does not pay for it.
   */
  private void warmUp(FleetApi api) {
    Duration each = options.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
    for (String graph : List.of(Scenarios.fiveNodes(), Scenarios.fanOut(20))) {
      Scenarios.LoopResult result =
          Scenarios.closedLoop(api, api.createGraph(graph), 16, Duration.ZERO, each);
      log("warm-up: " + result.completed() + " executions");
    }
  }

  /**
   * The broker-only bound and the sustained fan-out, interleaved run by run so that each ratio
   * compares two measurements taken a minute apart at most.
   */
  private void brokerAndFanOut(BenchFleet fleet) throws Exception {
    FleetApi api = new FleetApi(fleet.apiBaseUri(), fleet.apiKey());
    String graph = api.createGraph(Scenarios.fanOut(20));
    List<BrokerBaseline.Result> broker = new ArrayList<>();
    List<BrokerBaseline.Result> paced = new ArrayList<>();
    List<Double> tasks = new ArrayList<>();
    List<Double> fleetBroker = new ArrayList<>();
    List<String> loads = new ArrayList<>();
    Map<String, Long> rss = new TreeMap<>();
    String costs = "";
    for (int run = 1; run <= options.runs(); run++) {
      Load before = Load.now();
      BrokerBaseline.Result bound =
          BrokerBaseline.run(fleet.rabbitmqUrl(), options.brokerDuration(), 0);
      CostMeter meter = new CostMeter(fleet);
      broker.add(bound);
      log(
          String.format(
              Locale.ROOT,
              "broker-only run %d: %.0f task+result pairs/s, broker %.3f CPU-ms per pair",
              run,
              bound.pairsPerSecond(),
              bound.brokerCpuMillisPerPair()));
      Scenarios.LoopResult result =
          Scenarios.withRss(
              fleet,
              rss,
              () ->
                  Scenarios.closedLoop(
                      api,
                      graph,
                      options.fanoutConcurrency(),
                      options.fanoutWarmup(),
                      options.fanoutDuration(),
                      meter::sample));
      double perSecond = result.probed() / result.seconds();
      tasks.add(perSecond);
      fleetBroker.add(meter.perTaskMillis(CostMeter.BROKER));
      costs = meter.markdown();
      log(
          String.format(
              Locale.ROOT,
              "fan-out run %d: %.0f node tasks/s (%d executions, %d failed, %d late),"
                  + " broker %.3f CPU-ms per node task",
              run,
              perSecond,
              result.completed(),
              result.failed(),
              result.late(),
              fleetBroker.get(fleetBroker.size() - 1)));
      // The same broker path at the fleet's rate: what the broker's own cost per message is when
      // it is not saturated, the comparison the durability ratio leaves out.
      BrokerBaseline.Result atFleetRate =
          BrokerBaseline.run(fleet.rabbitmqUrl(), options.brokerDuration(), perSecond);
      paced.add(atFleetRate);
      loads.add(before.span(Load.now()));
      log(
          String.format(
              Locale.ROOT,
              "broker-only run %d paced at %.0f/s: %.0f pairs/s, broker %.3f CPU-ms per pair",
              run,
              perSecond,
              atFleetRate.pairsPerSecond(),
              atFleetRate.brokerCpuMillisPerPair()));
    }
    report.brokerAndFanOut(broker, paced, tasks, fleetBroker, loads, rss, costs);
  }

  private void handOff(BenchFleet fleet, FleetApi api) throws IOException {
    String graph = api.createGraph(Scenarios.chain(10));
    List<Double> p50s = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    List<String> loads = new ArrayList<>();
    int failed = 0;
    // warm-up: a few seconds at the same rate, not measured
    Scenarios.handOff(api, graph, 10, options.handoffRate(), Duration.ofSeconds(2));
    for (int run = 1; run <= options.runs(); run++) {
      Load before = Load.now();
      Scenarios.HandOffResult result =
          Scenarios.handOff(api, graph, 10, options.handoffRate(), options.handoffDuration());
      loads.add(before.span(Load.now()));
      failed += result.failed();
      p50s.add(Stats.percentile(result.handOffsMillis(), 50));
      p99s.add(Stats.percentile(result.handOffsMillis(), 99));
      all.addAll(result.handOffsMillis());
      log(
          String.format(
              Locale.ROOT,
              "hand-off run %d: %d hops, p50 %.2f ms, p99 %.2f ms",
              run,
              result.handOffsMillis().size(),
              p50s.get(p50s.size() - 1),
              p99s.get(p99s.size() - 1)));
    }
    Path plot = plotPath("handoff-cdf.svg");
    Svg.cdf(
        plot,
        "Hand-off per hop, 10-node chain at " + (int) options.handoffRate() + " executions/s",
        "ms",
        all.stream().mapToDouble(Double::doubleValue).toArray());
    report.handOff(p50s, p99s, all.size(), failed, loads, plot.getFileName().toString());
  }

  private void executionsPerSecond(BenchFleet fleet, FleetApi api) {
    String graph = api.createGraph(Scenarios.fiveNodes());
    List<Double> rates = new ArrayList<>();
    List<String> loads = new ArrayList<>();
    Map<String, Long> rss = new TreeMap<>();
    String costs = "";
    for (int run = 1; run <= options.runs(); run++) {
      Load before = Load.now();
      CostMeter meter = new CostMeter(fleet);
      Scenarios.LoopResult result =
          Scenarios.withRss(
              fleet,
              rss,
              () ->
                  Scenarios.closedLoop(
                      api,
                      graph,
                      options.executionsConcurrency(),
                      options.executionsWarmup(),
                      options.executionsDuration(),
                      meter::sample));
      rates.add(result.perSecond());
      costs = meter.markdown();
      loads.add(before.span(Load.now()));
      log(
          String.format(
              Locale.ROOT,
              "5-node executions run %d: %.0f /s (%d failed, %d late)",
              run,
              result.perSecond(),
              result.failed(),
              result.late()));
    }
    report.executions(rates, loads, rss, costs);
  }

  private void waitLatency(BenchFleet fleet, FleetApi api) {
    String graph = api.createGraph(Scenarios.single());
    List<Double> p50s = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    List<String> loads = new ArrayList<>();
    int failed = 0;
    for (int run = 1; run <= options.runs(); run++) {
      Load before = Load.now();
      Scenarios.LoopResult result =
          Scenarios.sequentialWait(
              api, graph, Math.max(10, options.waitRequests() / 10), options.waitRequests());
      loads.add(before.span(Load.now()));
      failed += result.failed();
      p50s.add(Stats.percentile(result.latenciesMillis(), 50));
      p99s.add(Stats.percentile(result.latenciesMillis(), 99));
      log(
          String.format(
              Locale.ROOT,
              "execute?wait run %d: p50 %.2f ms, p99 %.2f ms",
              run,
              p50s.get(p50s.size() - 1),
              p99s.get(p99s.size() - 1)));
    }
    report.waitLatency(p50s, p99s, failed, loads);
  }

  /**
   * Restarts each service in turn, timing spawn → ready, while the rest of the fleet runs. Each
   * restart waits until the machine is settled (below {@link #SETTLED} CPU for a second, at most
   * {@link #SETTLE_WAIT}): what the load scenarios leave running (PostgreSQL's autovacuum, the
   * broker's log compaction, JIT compilation) is not the service's start.
   */
  private void startToReady(BenchFleet fleet, Map<String, List<Long>> times)
      throws InterruptedException {
    Load before = Load.now();
    List<Double> busy = new ArrayList<>();
    for (int repetition = 0; repetition < options.startRepetitions(); repetition++) {
      for (String service : BenchFleet.SERVICES) {
        fleet.stop(service);
        double settled = CostMeter.settle(SETTLED, SETTLE_WAIT);
        busy.add(settled);
        boolean archived = fleet.archiveRecordedFor(service);
        long millis = fleet.start(service, service);
        times.computeIfAbsent(service, s -> new ArrayList<>()).add(millis);
        log(
            String.format(
                Locale.ROOT,
                "%s restarted, ready in %d ms (machine %.0f %% busy the second before%s)",
                service,
                millis,
                settled * 100,
                archived ? "" : "; no class-data archive"));
      }
    }
    report.startToReady(times, busy, before.span(Load.now()));
  }

  /** AI throughput with the emulator answering after 200 ms, for each replica count. */
  private void scaleOut(BenchFleet fleet, FleetApi api) throws IOException {
    String graph =
        api.createGraph(
            Scenarios.aiNodes(AI_NODES_PER_EXECUTION, Integer.parseInt(AI_MODEL_LATENCY)));
    int concurrency = options.aiConcurrency();
    List<String> labels = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    List<Double> ideals = new ArrayList<>();
    Map<String, Long> rss = new TreeMap<>();
    int replicas = 1;
    for (int wanted : options.aiReplicas()) {
      while (replicas < wanted) {
        replicas++;
        long millis = fleet.start("worker-ai-" + replicas, "worker-ai");
        log("worker-ai replica " + replicas + " ready in " + millis + " ms");
      }
      while (replicas > wanted) {
        fleet.stop("worker-ai-" + replicas);
        replicas--;
      }
      // Four times the replicas' capacity in flight: each execution also spends time being started
      // and finished, and the queue must not run dry meanwhile.
      int inFlight =
          Math.max(1, (int) Math.ceil(4.0 * wanted * concurrency / AI_NODES_PER_EXECUTION));
      List<Double> rates = new ArrayList<>();
      String load = null;
      for (int run = 1; run <= options.runs(); run++) {
        Load before = Load.now();
        Scenarios.LoopResult result =
            Scenarios.withRss(
                fleet,
                rss,
                () ->
                    Scenarios.closedLoop(
                        api,
                        graph,
                        inFlight,
                        Duration.ofSeconds(2),
                        options.aiDuration(),
                        fleet::succeededAttempts));
        double perSecond = result.probed() / result.seconds();
        rates.add(perSecond);
        load = before.span(Load.now());
        log(
            String.format(
                Locale.ROOT,
                "AI scale-out, %d replica(s), run %d: %.1f AI nodes/s (%d failed, %d late)",
                wanted,
                run,
                perSecond,
                result.failed(),
                result.late()));
      }
      double ideal = wanted * concurrency / 0.2;
      labels.add(wanted + " replica" + (wanted == 1 ? "" : "s"));
      medians.add(Stats.median(rates));
      ideals.add(ideal);
      rows.add(
          new double[] {wanted, Stats.median(rates), Stats.min(rates), Stats.max(rates), ideal});
      report.scaleOutRow(wanted, rates, ideal, load);
    }
    while (replicas > 1) {
      fleet.stop("worker-ai-" + replicas);
      replicas--;
    }
    Path plot = plotPath("ai-scale-out.svg");
    Svg.bars(
        plot,
        "AI nodes/s with a 200 ms LLM (worker.concurrency " + concurrency + ")",
        "AI nodes/s",
        labels,
        medians.stream().mapToDouble(Double::doubleValue).toArray(),
        ideals.stream().mapToDouble(d -> d * 0.9).toArray());
    report.scaleOut(concurrency, AI_NODES_PER_EXECUTION, rss, plot.getFileName().toString());
  }

  private Path plotPath(String name) {
    return options.output().toAbsolutePath().getParent().resolve(name);
  }

  static void log(String message) {
    System.out.println("[benchmark] " + Instant.now() + " " + message);
  }

  /** The 1-minute load average and the number of running tasks at one instant. */
  record Load(double one, double five, Instant at) {
    static Load now() {
      try {
        String[] parts =
            Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split("\\s+");
        return new Load(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Instant.now());
      } catch (IOException | RuntimeException e) {
        return new Load(Double.NaN, Double.NaN, Instant.now());
      }
    }

    /** "before → after" of the 1-minute load average. */
    String span(Load after) {
      return String.format(Locale.ROOT, "%.2f → %.2f", one, after.one);
    }
  }
}
