package io.logicgraph.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Collects the figures of one benchmark run and renders them as Markdown. */
final class Report {
  private static final double MIB = 1024 * 1024;

  /** One row of the summary table. */
  record Figure(
      String name, String target, String measured, String spread, Boolean meets, String load) {}

  private final Options options;
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> details = new ArrayList<>();
  private final Map<String, Long> firstStart = new LinkedHashMap<>();
  private final Map<String, Double> speeds = new LinkedHashMap<>();
  private final Map<String, Long> rssMax = new TreeMap<>();
  private final List<String> rssSections = new ArrayList<>();
  private final List<String> scaleOutRows = new ArrayList<>();
  private final List<Boolean> scaleOutMeets = new ArrayList<>();
  private final List<String> plots = new ArrayList<>();
  private Benchmark.Load loadBefore;
  private Benchmark.Load loadAfter;
  private final Instant started = Instant.now();

  Report(Options options) {
    this.options = options;
  }

  void machine(Benchmark.Load load) {
    loadBefore = load;
  }

  void machineAfter(Benchmark.Load load) {
    loadAfter = load;
  }

  void machineSpeed(String before, double millis) {
    speeds.put(before, millis);
  }

  void firstStart(String service, long millis) {
    firstStart.put(service, millis);
  }

  void brokerAndFanOut(
      List<BrokerBaseline.Result> brokerResults,
      List<BrokerBaseline.Result> paced,
      List<Double> tasks,
      List<Double> fleetBroker,
      List<String> loads,
      Map<String, Long> rss,
      String costs) {
    List<Double> broker =
        brokerResults.stream().map(BrokerBaseline.Result::pairsPerSecond).toList();
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < broker.size(); i++) {
      ratios.add(tasks.get(i) / broker.get(i));
    }
    figures.add(
        new Figure(
            "sustained node tasks/s, 20-node fan-out of RuleNodes ("
                + options.fanoutDuration().toSeconds()
                + " s runs)",
            "≥ 5,000 /s",
            fmt0(Stats.median(tasks)) + " /s",
            range(tasks, "%.0f"),
            Stats.median(tasks) >= 5000,
            String.join("; ", loads)));
    figures.add(
        new Figure(
            "cost of durability: fan-out node tasks/s ÷ broker-only pairs/s (same run)",
            "≥ 40 %",
            pct(Stats.median(ratios)),
            range(ratios.stream().map(r -> r * 100).toList(), "%.1f %%"),
            Stats.median(ratios) >= 0.4,
            String.join("; ", loads)));
    details.add(
        "### Broker-only baseline and sustained fan-out\n\n"
            + "Broker-only: a producer publishes persistent 300-byte messages to a quorum queue with"
            + " confirms; a relay consumes them (manual ack, prefetch 250), publishes each to a second"
            + " quorum queue with confirms and acks the first only after that confirm; a sink consumes"
            + " and acks. One completed pair is what one node task costs the broker in the fleet"
            + " (task + result), without state, history or decisions. Unpaced the producer keeps"
            + " 1,000 messages unconfirmed (the broker's bound); after each fan-out run the same"
            + " path runs again paced at the fan-out's rate. *Broker CPU* is the RabbitMQ server's"
            + " CPU time per pair (per node task for the fleet) in each window.\n\n"
            + "| run | broker-only pairs/s | broker CPU-ms / pair | fleet node tasks/s | broker"
            + " CPU-ms / fleet task | ratio | broker-only paced at the fleet's rate: pairs/s |"
            + " broker CPU-ms / pair, paced | load avg (1 min) |\n"
            + "|---|---|---|---|---|---|---|---|---|\n"
            + rows(
                broker.size(),
                i ->
                    String.format(
                        Locale.ROOT,
                        "| %d | %.0f | %.3f | %.0f | %.3f | %.1f %% | %.0f | %.3f | %s |",
                        i + 1,
                        broker.get(i),
                        brokerResults.get(i).brokerCpuMillisPerPair(),
                        tasks.get(i),
                        fleetBroker.get(i),
                        ratios.get(i) * 100,
                        paced.get(i).pairsPerSecond(),
                        paced.get(i).brokerCpuMillisPerPair(),
                        loads.get(i)))
            + String.format(
                Locale.ROOT,
                "%nMedians: the broker spends %.3f CPU-ms per pair when saturated, %.3f at the"
                    + " fleet's rate without the fleet, and %.3f per node task inside the fleet.%n",
                Stats.median(
                    brokerResults.stream()
                        .map(BrokerBaseline.Result::brokerCpuMillisPerPair)
                        .toList()),
                Stats.median(
                    paced.stream().map(BrokerBaseline.Result::brokerCpuMillisPerPair).toList()),
                Stats.median(fleetBroker))
            + "\nFan-out: "
            + options.fanoutConcurrency()
            + " executions of root → 19 leaves kept in flight (`execute?wait`), "
            + options.fanoutWarmup().toSeconds()
            + " s warm-up; node tasks/s = node attempts the orchestrator recorded as succeeded"
            + " (node_attempts rows, durable before the result is acked) during the window ÷ window.\n\n"
            + "Cost of one node task in the last run:\n\n"
            + costs);
    rss("20-node fan-out", rss);
  }

  void handOff(
      List<Double> p50s, List<Double> p99s, int hops, int failed, List<String> loads, String plot) {
    figures.add(
        new Figure(
            "hand-off per hop p50, 10-node chain at "
                + (int) options.handoffRate()
                + " executions/s",
            "≤ 2 ms",
            fmt2(Stats.median(p50s)) + " ms",
            range(p50s, "%.2f"),
            Stats.median(p50s) <= 2,
            String.join("; ", loads)));
    figures.add(
        new Figure(
            "hand-off per hop p99, same runs",
            "≤ 20 ms",
            fmt2(Stats.median(p99s)) + " ms",
            range(p99s, "%.2f"),
            Stats.median(p99s) <= 20,
            String.join("; ", loads)));
    details.add(
        "### Hand-off per hop\n\n"
            + "Executions of a 10-node RuleNode chain started at a fixed rate (open loop) for "
            + options.handoffDuration().toSeconds()
            + " s per run; after all ended, each execution's node timestamps (taken by the workers)"
            + " give 9 hand-offs: next node's `started_at` − previous node's `completed_at`. "
            + hops
            + " hops measured, "
            + failed
            + " executions failed or unfinished. Per run p50 / p99 (ms): "
            + rows(
                    p50s.size(),
                    i -> String.format(Locale.ROOT, "%.2f / %.2f", p50s.get(i), p99s.get(i)))
                .replace("\n", "; ")
            + "\n\n![hand-off CDF]("
            + plot
            + ")\n");
    plots.add(plot);
  }

  void executions(List<Double> rates, List<String> loads, Map<String, Long> rss, String costs) {
    figures.add(
        new Figure(
            "executions/s, 5-node graph (a → b, c, d → e)",
            "≥ 1,000 /s",
            fmt0(Stats.median(rates)) + " /s",
            range(rates, "%.0f"),
            Stats.median(rates) >= 1000,
            String.join("; ", loads)));
    details.add(
        "### Executions per second\n\n"
            + options.executionsConcurrency()
            + " executions kept in flight with `execute?wait`, "
            + options.executionsWarmup().toSeconds()
            + " s warm-up, "
            + options.executionsDuration().toSeconds()
            + " s window per run; only executions that completed inside the window count."
            + " Cost of one node task (5 per execution) in the last run:\n\n"
            + costs);
    rss("5-node executions", rss);
  }

  void waitLatency(List<Double> p50s, List<Double> p99s, int failed, List<String> loads) {
    figures.add(
        new Figure(
            "REST `execute?wait` of a 1-node graph, p50",
            "≤ 10 ms",
            fmt2(Stats.median(p50s)) + " ms",
            range(p50s, "%.2f"),
            Stats.median(p50s) <= 10,
            String.join("; ", loads)));
    details.add(
        "### `execute?wait` latency\n\n"
            + options.waitRequests()
            + " sequential requests per run after a warm-up, client-side latency with a blocking"
            + " HTTP/1.1 client on a kept-alive connection; p99 (median of"
            + " runs) "
            + fmt2(Stats.median(p99s))
            + " ms; "
            + failed
            + " requests did not answer 200 completed.\n");
  }

  void startToReady(Map<String, List<Long>> restarts, List<Double> busyBefore, String load) {
    StringBuilder table =
        new StringBuilder(
            "### Start to ready\n\nSpawn of the JVM → first 200 of `/ready`, each service"
                + " restarted while the rest of the fleet runs. Each restart waits until the"
                + " machine's CPU was below 25 % for a second (at most 60 s): what the load scenarios"
                + " leave running is not the service's start. Machine busy the second before each"
                + " restart: "
                + (busyBefore.isEmpty()
                    ? "(no restarts)"
                    : busyBefore.stream()
                        .map(b -> String.format(Locale.ROOT, "%.0f %%", b * 100))
                        .collect(Collectors.joining(", ")))
                + ". The first start (which also runs the database migrations, on a machine that"
                + " is not waited for, and records the service's class-data archive when it exits"
                + " unless the build already has a current one) is shown apart; every restart"
                + " loads that archive.\n\n"
                + "| service | first start | restarts (ms) | median |\n|---|---|---|---|\n");
    boolean all = true;
    List<Double> medians = new ArrayList<>();
    for (String service : BenchFleet.SERVICES) {
      List<Long> times = restarts.getOrDefault(service, List.of());
      double median = times.isEmpty() ? firstStart.get(service) : Stats.median(times);
      medians.add(median);
      all &= median <= 3000;
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %d ms | %s | %.0f ms |%n",
              service,
              firstStart.get(service),
              times.isEmpty()
                  ? "(none: --quick)"
                  : times.stream().map(String::valueOf).collect(Collectors.joining(", ")),
              median));
    }
    figures.add(
        new Figure(
            "start to ready, per service (JVM mode), worst median",
            "≤ 3 s",
            fmt0(Stats.max(medians)) + " ms",
            range(medians, "%.0f"),
            all,
            load));
    details.add(table.toString());
  }

  void scaleOutRow(int replicas, List<Double> rates, double ideal, String load) {
    double median = Stats.median(rates);
    scaleOutMeets.add(median >= 0.9 * ideal);
    scaleOutRows.add(
        String.format(
            Locale.ROOT,
            "| %d | %.1f | %s | %.0f | %.1f %% | %s |",
            replicas,
            median,
            range(rates, "%.1f"),
            ideal,
            median / ideal * 100,
            load));
    figures.add(
        new Figure(
            "AI throughput with a 200 ms LLM, " + replicas + " worker-ai replica(s)",
            "≥ 90 % of replicas × concurrency ÷ 0.2 s",
            String.format(Locale.ROOT, "%.1f /s = %.1f %%", median, median / ideal * 100),
            range(rates, "%.1f"),
            median >= 0.9 * ideal,
            load));
  }

  void scaleOut(int concurrency, int nodesPerExecution, Map<String, Long> rss, String plot) {
    details.add(
        "### AI scale-out\n\n"
            + "Executions of "
            + nodesPerExecution
            + " independent OpenAINodes; the LLM emulator answers each after 200 ms"
            + " (`emulator-slow-200`); every worker-ai replica runs with `worker.concurrency` = "
            + concurrency
            + " (`--ai-concurrency`), and four times the replicas' capacity is kept in flight so the"
            + " queue never runs dry. Ideal = replicas × "
            + concurrency
            + " ÷ 0.2 s; AI nodes/s = node attempts recorded as succeeded during the window ÷ window.\n\n"
            + "| replicas | AI nodes/s (median) | spread | ideal | of ideal | load avg |\n"
            + "|---|---|---|---|---|---|\n"
            + String.join("\n", scaleOutRows)
            + "\n\n![AI scale-out]("
            + plot
            + ")\n");
    rss("AI scale-out", rss);
  }

  private void rss(String scenario, Map<String, Long> rss) {
    rss.forEach((name, bytes) -> rssMax.merge(name, bytes, Math::max));
    rssSections.add(
        "| "
            + scenario
            + " | "
            + rss.entrySet().stream()
                .map(e -> e.getKey() + " " + fmt0(e.getValue() / MIB))
                .collect(Collectors.joining(", "))
            + " |");
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Logic Graph Fleet benchmark report\n\n");
    md.append("- started ")
        .append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(", ended ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(
            options.quick()
                ? " — **--quick smoke run: one short repetition, figures are not meaningful**"
                : "")
        .append('\n');
    md.append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores (")
        .append(cpuModel())
        .append("), ")
        .append(memTotal())
        .append(", Java ")
        .append(System.getProperty("java.version"))
        .append(
            "; RabbitMQ, Redis, PostgreSQL, the services and this load generator on the same cores\n");
    md.append("- commit: ")
        .append(System.getenv().getOrDefault("BENCH_COMMIT", "unknown"))
        .append('\n');
    md.append("- load average (1 min / 5 min) before: ")
        .append(loadText(loadBefore))
        .append(", after: ")
        .append(loadText(loadAfter))
        .append('\n');
    if (!speeds.isEmpty()) {
      double fastest = speeds.values().stream().mapToDouble(Double::doubleValue).min().orElse(1);
      double slowest = speeds.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
      md.append("- machine speed (ms to sort the same million ints, best of 5, settled machine;")
          .append(" lower is faster), before: ")
          .append(
              speeds.entrySet().stream()
                  .map(
                      e ->
                          String.format(
                              Locale.ROOT, "%s %.1f", e.getKey(), e.getValue().doubleValue()))
                  .collect(Collectors.joining(", ")))
          .append(String.format(Locale.ROOT, "; slowest ÷ fastest %.2f\n", slowest / fastest));
    }
    md.append("- repetitions per figure: ")
        .append(options.runs())
        .append(" (medians; spread = min – max of the runs)\n\n");
    md.append("## Figures against spec/06 targets\n\n");
    md.append("| figure | target | measured (median) | spread | meets | load avg (1 min) |\n");
    md.append("|---|---|---|---|---|---|\n");
    boolean memoryAdded = false;
    for (Figure figure : figures) {
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s |%n",
              figure.name(),
              figure.target(),
              figure.measured(),
              figure.spread(),
              figure.meets() == null ? "–" : figure.meets() ? "yes" : "**no**",
              figure.load()));
    }
    if (!rssMax.isEmpty() && !memoryAdded) {
      for (Map.Entry<String, Long> entry : rssMax.entrySet()) {
        String name = entry.getKey();
        boolean big = name.startsWith("api-gateway") || name.startsWith("orchestrator");
        double mib = entry.getValue() / MIB;
        md.append(
            String.format(
                Locale.ROOT,
                "| RSS under load (max), %s | ≤ %d MiB | %.0f MiB | – | %s | (during the load scenarios) |%n",
                name,
                big ? 512 : 256,
                mib,
                mib <= (big ? 512 : 256) ? "yes" : "**no**"));
      }
    }
    md.append("\n## How each figure was measured\n\n");
    details.forEach(d -> md.append(d).append('\n'));
    md.append(
        "### Memory (RSS, MiB, maximum sampled every 250 ms)\n\n| scenario | per process |\n|---|---|\n");
    rssSections.forEach(s -> md.append(s).append('\n'));
    md.append("\nJVM flags of the services: ")
        .append(
            options.jvmFlags().isBlank()
                ? "`-Xmx384m` (gateway, orchestrator), `-Xmx256m` (workers),"
                    + " `-XX:+UseSerialGC`, C1 only (`-XX:TieredStopAtLevel=1`) for the gateway,"
                    + " as deploy/local/fleet.sh"
                : "`" + options.jvmFlags() + "`")
        .append(
            "; each service's AppCDS archive (`-XX:SharedArchiveFile=app-cds.jsa`), recorded"
                + " by the first instance of the service at its exit"
                + " (`-XX:ArchiveClassesAtExit`) when there was no current one")
        .append(".\nLogs of the fleet's processes: `")
        .append(options.output().toAbsolutePath().getParent().resolve("fleet-logs"))
        .append("`.\n");
    return md.toString();
  }

  // ---------------------------------------------------------------- formatting

  private interface Row {
    String at(int i);
  }

  private static String rows(int count, Row row) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(row.at(i)).append('\n');
    }
    return out.toString();
  }

  private static String range(List<? extends Number> values, String format) {
    if (values.size() < 2) {
      return "(1 run)";
    }
    return String.format(Locale.ROOT, format, Stats.min(values))
        + " – "
        + String.format(Locale.ROOT, format, Stats.max(values));
  }

  private static String fmt0(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }

  private static String loadText(Benchmark.Load load) {
    return load == null ? "?" : String.format(Locale.ROOT, "%.2f / %.2f", load.one(), load.five());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(
              l ->
                  String.format(
                      Locale.ROOT,
                      "%.0f GiB RAM",
                      Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
          .findFirst()
          .orElse("? RAM");
    } catch (IOException e) {
      return "? RAM";
    }
  }
}
