package io.logicgraph.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rust-logic-graph example files in the shared reference fixtures: each either loads or is
 * rejected naming the exact node and field. A clone of the project alone has no shared directory;
 * then this test is skipped.
 */
class RustLogicGraphFixturesTest {
  private static final List<Path> CANDIDATES =
      List.of(
          Path.of("../../shared/fixtures/rust-logic-graph"),
          Path.of("../shared/fixtures/rust-logic-graph"));

  /** Files that must be rejected, with exactly these error paths. */
  private static final Map<String, List<String>> REJECTED =
      Map.of(
          "cyclic_graph.yaml",
          List.of("edges"),
          "db_params_graph.yaml",
          List.of("nodes.fetch_user.database", "nodes.fetch_orders.database"),
          "grl_graph_flow.yaml",
          List.of(
              "nodes.fetch_customer.database",
              "nodes.fetch_customer.query",
              "nodes.fraud_detection.prompt",
              "nodes.notification.prompt"),
          "order_with_subgraph.yaml",
          List.of(
              "nodes.fetch_product.database",
              "nodes.fetch_customer.database",
              "nodes.calculate_discount.subgraph_file",
              "nodes.calculate_discount.graph_id",
              "nodes.create_order.database",
              "nodes.send_confirmation.prompt"),
          "sample_graph.yaml",
          List.of(
              "nodes.process_payment.database",
              "nodes.process_payment.query",
              "nodes.send_confirmation.prompt"));

  /** Files that must load. */
  private static final List<String> LOADED =
      List.of("discount_subgraph.yaml", "multi_db_graph.yaml", "purchasing_flow_graph.yaml");

  /** Not graphs. */
  private static final List<String> SKIPPED = List.of("sample_context.yaml");

  private static Path fixtures() {
    Path dir = CANDIDATES.stream().filter(Files::isDirectory).findFirst().orElse(null);
    assumeTrue(dir != null, "shared rust-logic-graph fixtures not present");
    return dir;
  }

  private static ValidationReport load(Path dir, String name) throws IOException {
    return GraphLoader.load(
        Files.readString(dir.resolve(name)), GraphFormat.YAML, GraphLimits.DEFAULTS);
  }

  @Test
  void everyFixtureLoadsOrIsRejectedNamingNodeAndField() throws IOException {
    Path dir = fixtures();
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .sorted()
              .toList();
    }
    assertThat(files).isNotEmpty();
    for (String name : files) {
      if (SKIPPED.contains(name)) {
        continue;
      }
      ValidationReport report = load(dir, name);
      if (LOADED.contains(name)) {
        assertThat(report.errors()).as(name).isEmpty();
        assertThat(report.graph()).as(name).isNotNull();
      } else {
        assertThat(REJECTED).as("expectation for new fixture " + name).containsKey(name);
        assertThat(report.errors())
            .as(name)
            .extracting(ValidationProblem::path)
            .containsExactlyElementsOf(REJECTED.get(name));
      }
    }
  }

  @Test
  void cyclicGraphNamesItsCycle() throws IOException {
    ValidationReport report = load(fixtures(), "cyclic_graph.yaml");

    assertThat(report.errors())
        .containsExactly(new ValidationProblem("edges", "cycle detected: a -> b -> c -> a"));
  }

  @Test
  void subgraphFilesAreNotLoaded() throws IOException {
    ValidationReport report = load(fixtures(), "order_with_subgraph.yaml");

    assertThat(report.errors())
        .contains(
            new ValidationProblem(
                "nodes.calculate_discount.subgraph_file",
                "graph files are not loaded: name a stored graph with 'graph_id' (the id"
                    + " returned when the graph was created)"),
            new ValidationProblem(
                "nodes.calculate_discount.graph_id",
                "missing required field 'graph_id' for SubgraphNode (the id of a stored graph to"
                    + " run as a child execution)"));
  }

  @Test
  void multiDbGraphKeepsItsMappingsAsPaths() throws IOException {
    GraphDefinition graph = load(fixtures(), "multi_db_graph.yaml").graph();

    NodeDefinition analyze = graph.node("analyze_purchasing");
    assertThat(analyze.nodeType()).isEqualTo(NodeType.RULE);
    assertThat(analyze.text("condition")).isEqualTo("true");
    assertThat(analyze.fieldMappings())
        .containsEntry("total_available", "fetch_inventory.sum(available_qty)");
    assertThat(analyze.inputs()).containsEntry("oms_data", "fetch_oms_history");
    assertThat(graph.node("fetch_uom").text("database")).isEqualTo("uom_db");
    assertThat(graph.edges()).hasSize(4);
  }

  @Test
  void ruleNodesWithoutConditionMeanTrue() throws IOException {
    GraphDefinition graph = load(fixtures(), "purchasing_flow_graph.yaml").graph();

    assertThat(graph.node("rule_engine").text("condition")).isEqualTo("true");
    assertThat(graph.node("create_po").text("condition")).isEqualTo("true");
  }
}
