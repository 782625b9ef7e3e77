package io.logicgraph.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Alert rules and the Grafana dashboard read only metrics the fleet exports. */
class ObservabilityTest {
  static final String ALERTS = "deploy/prometheus/alerts.yaml";
  static final String PROMETHEUS_RULE = "deploy/k8s/components/monitoring/prometheusrule.yaml";
  static final String DASHBOARD = "deploy/grafana/logic-graph-dashboard.json";

  private static JsonNode alertGroups() {
    return StrictParser.documents(Repo.read(ALERTS)).get(0).path("groups");
  }

  @Test
  void thePrometheusRuleCarriesExactlyTheAlertsFile() {
    JsonNode rule = StrictParser.documents(Repo.read(PROMETHEUS_RULE)).get(0);
    assertThat(StrictParser.parse(rule)).isInstanceOf(PrometheusRule.class);
    assertThat(rule.path("spec").path("groups"))
        .as(
            PROMETHEUS_RULE
                + " differs from "
                + ALERTS
                + ": run deploy/prometheus/sync-prometheusrule.sh")
        .isEqualTo(alertGroups());
  }

  @Test
  void theAlertsCoverTheGuidesCases() {
    List<String> alerts = new ArrayList<>();
    alertGroups().forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
    assertThat(alerts)
        .contains(
            "LogicGraphExecutionErrorRateHigh",
            "LogicGraphExecutionLatencyHigh",
            "LogicGraphQueueAgeHigh",
            "LogicGraphWorkersDown",
            "LogicGraphDeadLetterQueueNotEmpty");
    alertGroups()
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          assertThat(r.path("labels").path("severity").asText())
                              .as(r.path("alert").asText() + " severity")
                              .isIn("warning", "critical");
                          assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
                        }));
  }

  @Test
  void alertExpressionsReadOnlyFleetMetrics() {
    Map<String, String> expressions = new LinkedHashMap<>();
    alertGroups()
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> expressions.put(r.path("alert").asText(), r.path("expr").asText())));
    assertReadsOnlyFleetMetrics(expressions);
  }

  @Test
  void dashboardQueriesReadOnlyFleetMetricsAndCoverTheGuidesPanels() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Repo.read(DASHBOARD));
    Map<String, String> expressions = new LinkedHashMap<>();
    List<String> titles = new ArrayList<>();
    collectPanels(dashboard.path("panels"), expressions, titles);
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
    assertReadsOnlyFleetMetrics(expressions);
    String all = String.join("\n", expressions.values());
    assertThat(all)
        .contains("graph_executions_total")
        .contains("graph_execution_duration_seconds_bucket")
        .contains("graph_nodes_executed_total")
        .contains("node_execution_errors_total")
        .contains("queue_depth")
        .contains("queue_age_seconds")
        .contains("worker_active_tasks");
    assertThat(titles)
        .contains(
            "Executions/s by status",
            "Success rate",
            "Execution latency p50 / p95 / p99",
            "Queue depth",
            "Active tasks by worker type");
    assertThat(dashboard.path("uid").asText()).isEqualTo("logic-graph-fleet");
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTests() throws Exception {
    Assumptions.assumeTrue(
        run("promtool", "--version") == 0,
        "promtool is not on PATH (Debian package prometheus): rule syntax and alert unit tests"
            + " not run");
    assertThat(run("promtool", "check", "rules", Repo.path(ALERTS).toString())).isZero();
    assertThat(
            run(
                "promtool",
                "test",
                "rules",
                Repo.path("deploy/prometheus/alerts.test.yaml").toString()))
        .isZero();
  }

  /** Exit code of a command (its output goes to the test log); -1 when it cannot start. */
  private static int run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      if (p.exitValue() != 0) {
        System.out.println(String.join(" ", command) + ":\n" + output);
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    }
  }

  private static void collectPanels(
      JsonNode panels, Map<String, String> expressions, List<String> titles) {
    for (JsonNode panel : panels) {
      titles.add(panel.path("title").asText());
      int i = 0;
      for (JsonNode target : panel.path("targets")) {
        expressions.put(panel.path("title").asText() + " #" + i++, target.path("expr").asText());
      }
      collectPanels(panel.path("panels"), expressions, titles);
    }
  }

  private static void assertReadsOnlyFleetMetrics(Map<String, String> expressions) {
    expressions.forEach(
        (where, expr) -> {
          assertThat(PromQl.metricNames(expr)).as(where + ": " + expr).isNotEmpty();
          assertThat(PromQl.metricNames(expr))
              .as(where + " reads only the fleet's metrics: " + expr)
              .allMatch(FleetMetrics::known);
        });
  }
}
