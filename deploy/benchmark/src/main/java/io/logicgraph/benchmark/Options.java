package io.logicgraph.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What a benchmark run does: where the repository and infrastructure are, the report path, and the
 * size of every scenario. {@code --quick} shrinks every scenario to a smoke run (one repetition,
 * seconds each) that proves the tool works, not the figures.
 */
record Options(
    Path root,
    Path output,
    String fleetName,
    String postgresUrl,
    String redisUrl,
    int redisDatabase,
    String rabbitmqUrl,
    String rabbitmqManagementUrl,
    String apiKey,
    Duration readyTimeout,
    boolean quick,
    int runs,
    Duration brokerDuration,
    double handoffRate,
    Duration handoffDuration,
    Duration fanoutWarmup,
    Duration fanoutDuration,
    int fanoutConcurrency,
    Duration executionsWarmup,
    Duration executionsDuration,
    int executionsConcurrency,
    int waitRequests,
    int startRepetitions,
    List<Integer> aiReplicas,
    int aiConcurrency,
    Duration aiDuration,
    String jvmFlags,
    List<String> only) {

  /** The scenarios, by the names {@code --only} takes. */
  static final List<String> SCENARIOS =
      List.of("fanout", "handoff", "executions", "wait", "start", "ai");

  static final String USAGE =
      """
      usage: benchmark [--quick] [--output FILE] [--runs N] [--ai-replicas 1,2,4] \
      [--ai-concurrency N] [--fanout-seconds S] [--jvm-flags "..."] [--only L]
        --quick            smoke run: one repetition of every scenario, seconds each (~1 min)
        --output FILE      Markdown report (default deploy/benchmark/target/report.md)
        --runs N           repetitions of each throughput/latency scenario (default 3)
        --ai-replicas L    worker-ai replica counts for the scale-out figure (default 1,2,4)
        --ai-concurrency N worker.concurrency of each worker-ai replica (default 8)
        --fanout-seconds S length of one sustained fan-out run (default 60, as spec/06 says)
        --jvm-flags "..."  JVM flags for every service (default as deploy/local/fleet.sh: -Xmx per
                           service, -XX:+UseSerialGC, and -XX:TieredStopAtLevel=1 for the gateway);
                           the build's AppCDS archive is added when present
        --only L           run only these scenarios: fanout (with the broker-only baseline), handoff,
                           executions, wait, start, ai (default: all)
      environment: POSTGRES_URL, REDIS_URL, RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL (shared infra),
        TEST_NAMESPACE (suffix of the fleet's vhost/database), FLEET_REDIS_DATABASE (Redis index,
        default 3), LGF_API_KEY (sent as X-API-Key; random when unset)
      """;

  static Options parse(String[] args) {
    Map<String, String> env = System.getenv();
    Path root = Path.of(System.getProperty("fleet.root", ".")).toAbsolutePath().normalize();
    boolean quick = Arrays.asList(args).contains("--quick");
    Path output = root.resolve("deploy/benchmark/target/report.md");
    int runs = quick ? 1 : 3;
    List<Integer> replicas = quick ? List.of(1, 2) : List.of(1, 2, 4);
    int aiConcurrency = 8;
    int fanoutSeconds = quick ? 4 : 60;
    String jvmFlags = "";
    List<String> only = SCENARIOS;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> {}
        case "--output" -> output = Path.of(value(args, ++i, arg)).toAbsolutePath();
        case "--runs" -> runs = Integer.parseInt(value(args, ++i, arg));
        case "--ai-replicas" -> {
          List<Integer> list = new ArrayList<>();
          for (String part : value(args, ++i, arg).split(",")) {
            list.add(Integer.parseInt(part.trim()));
          }
          replicas = List.copyOf(list);
        }
        case "--ai-concurrency" -> aiConcurrency = Integer.parseInt(value(args, ++i, arg));
        case "--fanout-seconds" -> fanoutSeconds = Integer.parseInt(value(args, ++i, arg));
        case "--jvm-flags" -> jvmFlags = value(args, ++i, arg);
        case "--only" -> {
          only = List.of(value(args, ++i, arg).split(","));
          for (String name : only) {
            if (!SCENARIOS.contains(name)) {
              throw new IllegalArgumentException("unknown scenario " + name + "\n" + USAGE);
            }
          }
        }
        case "--help", "-h" -> {
          System.out.print(USAGE);
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
    }
    String namespace = env.getOrDefault("TEST_NAMESPACE", "").toLowerCase(Locale.ROOT);
    String name =
        System.getProperty("benchmark.fleetName", "benchmark")
            + (namespace.isBlank() ? "" : "-" + namespace);
    String apiKey = env.getOrDefault("LGF_API_KEY", "");
    if (apiKey.isBlank()) {
      apiKey = "bench-" + UUID.randomUUID();
    }
    return new Options(
        root,
        output,
        name,
        env.getOrDefault(
            "POSTGRES_URL", "postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph"),
        env.getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"),
        Integer.parseInt(env.getOrDefault("FLEET_REDIS_DATABASE", "3")),
        env.getOrDefault("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672"),
        env.getOrDefault("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672"),
        apiKey,
        Duration.ofSeconds(180),
        quick,
        runs,
        Duration.ofSeconds(quick ? 2 : 10),
        20,
        Duration.ofSeconds(quick ? 3 : 15),
        Duration.ofSeconds(quick ? 2 : 10),
        Duration.ofSeconds(fanoutSeconds),
        32,
        Duration.ofSeconds(quick ? 2 : 5),
        Duration.ofSeconds(quick ? 4 : 20),
        64,
        quick ? 30 : 300,
        quick ? 0 : 3,
        replicas,
        aiConcurrency,
        Duration.ofSeconds(quick ? 3 : 15),
        jvmFlags,
        only);
  }

  boolean includes(String scenario) {
    return only.contains(scenario);
  }

  /** JVM flags of one service: the given ones, else those deploy/local/fleet.sh uses. */
  List<String> jvmFlags(String module) {
    if (!jvmFlags.isBlank()) {
      return List.of(jvmFlags.trim().split("\\s+"));
    }
    if (module.equals("api-gateway")) {
      // C1 only: the gateway's start stays under 3 s on a busy machine (see docs/benchmarks.md)
      return List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }
    return List.of(module.equals("orchestrator") ? "-Xmx384m" : "-Xmx256m", "-XX:+UseSerialGC");
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
