package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.assertCompleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The metric names of spec 05, each on the service that owns it, with its labels, after a graph
 * that touched all three worker pools and one whose node on each pool failed; and the JSON log
 * lines the services wrote meanwhile, with execution_id/node_id on lines about a node.
 */
@ExtendWith(FleetExtension.class)
class MetricsIT {
  private static final Duration SCRAPE_PATIENCE = Duration.ofSeconds(15);

  /** Per worker: its worker_type label, the node type it ran, the failing node, its error code. */
  private record Pool(String workerType, String nodeType, String failingNode, String errorType) {}

  private static final Map<Service, Pool> POOLS =
      Map.of(
          Service.WORKER_DB, new Pool("db", "PostgresNode", "bad_sql", "E001"),
          Service.WORKER_AI, new Pool("ai", "OpenAINode", "bad_llm", "E008"),
          Service.WORKER_RULE, new Pool("rule", "RuleNode", "bad_rule", "E003"));

  private static final Map<Service, Long> logOffsets = new EnumMap<>(Service.class);
  private static String touched;
  private static String failed;

  @BeforeAll
  static void runGraphs(Fleet fleet) throws IOException {
    for (Service service : Service.values()) {
      logOffsets.put(service, Files.size(fleet.log(service)));
    }
    FleetClient client = new FleetClient(fleet);
    Map<String, Object> context = Map.of("product_id", "P-100", "quantity", 2, "zero", 0);

    String touchGraph = client.submit(FleetClient.graph("metrics-touch.yaml"));
    JsonNode touch = client.run(touchGraph, context);
    assertCompleted(touch, touchGraph, List.of("check", "stock", "note"));
    touched = touch.path("id").asText();

    String failGraph = client.submit(FleetClient.graph("metrics-failures.yaml"));
    JsonNode fail = client.run(failGraph, context);
    assertThat(fail.path("status").asText()).as("%s", fail).isEqualTo("completed");
    for (Pool pool : POOLS.values()) {
      JsonNode node = fail.path("nodes").path(pool.failingNode());
      assertThat(node.path("status").asText())
          .as("%s: %s", pool.failingNode(), node)
          .isEqualTo("failed");
      assertThat(node.at("/error/code").asText())
          .as("%s: %s", pool.failingNode(), node)
          .isEqualTo(pool.errorType());
    }
    failed = fail.path("id").asText();
  }

  @Test
  void orchestratorExportsExecutionQueueAndCacheMetrics(Fleet fleet) {
    await()
        .atMost(SCRAPE_PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Prometheus metrics = Prometheus.scrape(fleet, Service.ORCHESTRATOR);
              metrics.assertExported(
                  "graph_executions_total", List.of("status"), Map.of("status", "completed"));
              assertThat(metrics.sum("graph_executions_total", Map.of("status", "completed")))
                  .as("completed executions counted")
                  .isGreaterThanOrEqualTo(2);
              metrics.assertExported(
                  "graph_execution_duration_seconds_bucket",
                  List.of("status", "le"),
                  Map.of("status", "completed"));
              metrics.assertExported(
                  "graph_execution_duration_seconds_count",
                  List.of("status"),
                  Map.of("status", "completed"));
              for (String queue :
                  List.of(
                      "graph.orchestration", "node.db.tasks", "node.ai.tasks", "node.rule.tasks")) {
                Map<String, String> label = Map.of("queue_name", queue);
                metrics.assertExported("queue_depth", List.of("queue_name"), label);
                metrics.assertExported("queue_processing_rate", List.of("queue_name"), label);
                metrics.assertExported("queue_age_seconds", List.of("queue_name"), label);
              }
              metrics.assertExported("cache_hits_total", List.of(), Map.of());
              metrics.assertExported("cache_misses_total", List.of(), Map.of());
              metrics.assertExported("cache_size_bytes", List.of(), Map.of());
            });
  }

  @ParameterizedTest
  @EnumSource(
      value = Service.class,
      names = {"WORKER_DB", "WORKER_AI", "WORKER_RULE"})
  void everyWorkerExportsNodeAndTaskMetrics(Service worker, Fleet fleet) {
    Pool pool = POOLS.get(worker);
    Map<String, String> type = Map.of("worker_type", pool.workerType());
    await()
        .atMost(SCRAPE_PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Prometheus metrics = Prometheus.scrape(fleet, worker);
              metrics.assertExported(
                  "graph_nodes_executed_total",
                  List.of("node_type"),
                  Map.of("node_type", pool.nodeType()));
              assertThat(
                      metrics.sum(
                          "graph_nodes_executed_total", Map.of("node_type", pool.nodeType())))
                  .as("%s nodes executed on %s", pool.nodeType(), worker.module())
                  .isGreaterThanOrEqualTo(2);
              metrics.assertExported(
                  "node_execution_duration_seconds_bucket",
                  List.of("node_type", "status", "le"),
                  Map.of("node_type", pool.nodeType(), "status", "succeeded"));
              metrics.assertExported(
                  "node_execution_duration_seconds_bucket",
                  List.of("node_type", "status", "le"),
                  Map.of("node_type", pool.nodeType(), "status", "failed"));
              metrics.assertExported(
                  "worker_tasks_processed_total",
                  List.of("worker_type", "status"),
                  Map.of("worker_type", pool.workerType(), "status", "succeeded"));
              metrics.assertExported(
                  "worker_tasks_processed_total",
                  List.of("worker_type", "status"),
                  Map.of("worker_type", pool.workerType(), "status", "failed"));
              metrics.assertExported("worker_active_tasks", List.of("worker_type"), type);
              metrics.assertExported(
                  "node_execution_errors_total",
                  List.of("node_type", "error_type"),
                  Map.of("node_type", pool.nodeType(), "error_type", pool.errorType()));
              metrics.assertExported("worker_idle_time_seconds", List.of("worker_type"), type);
            });
  }

  @Test
  void theGatewayServesPrometheusText(Fleet fleet) {
    Prometheus metrics = Prometheus.scrape(fleet, Service.API_GATEWAY);
    assertThat(metrics.samples("jvm_memory_used_bytes")).as("a JVM metric").isNotEmpty();
  }

  /**
   * The services run as in production (the packaged application, prod profile): JSON console logs.
   * Every line written during these executions is a JSON object; every worker logged its failing
   * node with the execution and node ids in the MDC, and no line names a node or execution of these
   * runs without carrying the ids.
   */
  @Test
  void logsAreJsonLinesWithExecutionAndNodeIds(Fleet fleet) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (Service service : Service.values()) {
                List<JsonNode> lines = jsonLinesSince(fleet, service);
                for (JsonNode line : lines) {
                  JsonNode mdc = line.path("mdc");
                  String message = line.path("message").asText();
                  if (mdc.hasNonNull("node_id")) {
                    assertThat(mdc.path("execution_id").asText())
                        .as("%s: node line without execution_id: %s", service.module(), line)
                        .isNotBlank();
                  }
                  for (String execution : List.of(touched, failed)) {
                    if (message.contains(execution)) {
                      assertThat(mdc.path("execution_id").asText())
                          .as("%s: line about %s: %s", service.module(), execution, line)
                          .isEqualTo(execution);
                    }
                  }
                }
                Pool pool = POOLS.get(service);
                if (pool != null) {
                  assertThat(lines)
                      .as(
                          "%s logged the failure of %s with execution_id and node_id",
                          service.module(), pool.failingNode())
                      .anySatisfy(
                          line -> {
                            assertThat(line.path("message").asText()).contains(pool.errorType());
                            assertThat(line.at("/mdc/execution_id").asText()).isEqualTo(failed);
                            assertThat(line.at("/mdc/node_id").asText())
                                .isEqualTo(pool.failingNode());
                          });
                }
              }
            });
  }

  /** The service's log lines written since the graphs started, each parsed as a JSON object. */
  private static List<JsonNode> jsonLinesSince(Fleet fleet, Service service) {
    String text;
    try (RandomAccessFile file = new RandomAccessFile(fleet.log(service).toFile(), "r")) {
      long offset = logOffsets.get(service);
      byte[] bytes = new byte[(int) (file.length() - offset)];
      file.seek(offset);
      file.readFully(bytes);
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> lines = new ArrayList<>();
    String[] raw = text.split("\n", -1);
    // The last element is an unfinished line (or empty): not judged yet.
    for (int i = 0; i < raw.length - 1; i++) {
      String line = raw[i].strip();
      if (line.isEmpty() || line.startsWith("===== ")) {
        continue; // the harness's own start markers
      }
      JsonNode json;
      try {
        json = FleetClient.JSON.readTree(line);
      } catch (JsonProcessingException e) {
        json = null;
      }
      assertThat(json != null && json.isObject())
          .as("%s log line is a JSON object: %s", service.module(), line)
          .isTrue();
      assertThat(json.path("timestamp").asText()).as("timestamp of %s", line).isNotBlank();
      assertThat(json.path("level").asText()).as("level of %s", line).isNotBlank();
      assertThat(json.has("message")).as("message of %s", line).isTrue();
      lines.add(json);
    }
    return lines;
  }
}
