package io.logicgraph.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsMetricsButNotFunctionsLabelsOrKeywords() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, node_type)"
                    + " (rate(node_execution_duration_seconds_bucket{status=\"failed\"}[5m])))"))
        .containsExactly("node_execution_duration_seconds_bucket");
    assertThat(
            PromQl.metricNames(
                "sum(rate(a_total[1h] offset 1d)) / on (job) group_left(x) b > bool 1e3 and c"))
        .containsExactly("a_total", "b", "c");
    assertThat(PromQl.metricNames("absent(up{service=\"x-{y}\"}) or vector(0)"))
        .containsExactly("up");
  }

  @Test
  void ignoresGrafanaVariables() {
    assertThat(
            PromQl.metricNames("sum by (status) (rate(graph_executions_total[$__rate_interval]))"))
        .containsExactly("graph_executions_total");
    assertThat(PromQl.metricNames("queue_depth{queue_name=~\"$queue\"} * ${factor}"))
        .containsExactly("queue_depth");
  }

  @Test
  void knowsTheFleetsSeries() {
    assertThat(FleetMetrics.known("graph_execution_duration_seconds_bucket")).isTrue();
    assertThat(FleetMetrics.known("graph_executions_total")).isTrue();
    assertThat(FleetMetrics.known("graph_executions_total_bucket")).isFalse();
    assertThat(FleetMetrics.known("http_server_requests_seconds_count")).isFalse();
  }
}
