package io.logicgraph.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the benchmark end to end in its {@code --quick} form (a real fleet, every scenario once, a
 * few seconds each) so the tool cannot rot. It checks that every figure of spec/06 is reported and
 * was measured, never how fast the fleet was: timings belong to the report, not to a test.
 */
class BenchmarkSmokeIT {

  @Test
  void quickRunReportsEveryFigureOfTheTargets() throws Exception {
    Path output = Path.of("target", "smoke", "report.md").toAbsolutePath();
    System.setProperty("benchmark.fleetName", "benchmark-smoke");
    Options options = Options.parse(new String[] {"--quick", "--output", output.toString()});

    Path written = new Benchmark(options).run();

    String report = Files.readString(written, StandardCharsets.UTF_8);
    assertThat(report)
        .contains(
            "hand-off per hop p50",
            "hand-off per hop p99",
            "sustained node tasks/s",
            "executions/s, 5-node graph",
            "`execute?wait` of a 1-node graph",
            "RSS under load (max), api-gateway",
            "RSS under load (max), orchestrator",
            "RSS under load (max), worker-rule",
            "RSS under load (max), worker-db",
            "RSS under load (max), worker-ai",
            "start to ready",
            "AI throughput with a 200 ms LLM, 1 worker-ai replica(s)",
            "AI throughput with a 200 ms LLM, 2 worker-ai replica(s)",
            "cost of durability")
        .doesNotContain("NaN");
    // Throughput windows of a few seconds may see nothing finish on a starved machine; the
    // scenarios that wait for their executions must have measured every one of them.
    assertThat(measured(report, "sustained node tasks/s")).isNotNegative();
    assertThat(measured(report, "executions/s, 5-node graph")).isNotNegative();
    assertThat(measured(report, "AI throughput with a 200 ms LLM, 2 worker-ai")).isNotNegative();
    Matcher hops = Pattern.compile("(\\d+) hops measured, 0 executions failed").matcher(report);
    assertThat(hops.find()).as("every hand-off execution measured").isTrue();
    assertThat(Integer.parseInt(hops.group(1))).isPositive();
    assertThat(report).contains("; 0 requests did not answer 200 completed");
    assertThat(written.resolveSibling("handoff-cdf.svg")).isNotEmptyFile();
    assertThat(written.resolveSibling("ai-scale-out.svg")).isNotEmptyFile();
  }

  /** The "measured" column of the summary row that starts with {@code figure}. */
  private static double measured(String report, String figure) {
    Matcher row =
        Pattern.compile(
                "^\\| " + Pattern.quote(figure) + "[^|]*\\| [^|]+\\| ([0-9.,]+)", Pattern.MULTILINE)
            .matcher(report);
    assertThat(row.find()).as("a summary row for %s", figure).isTrue();
    return Double.parseDouble(row.group(1).replace(",", ""));
  }
}
