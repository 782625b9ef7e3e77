package io.logicgraph.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagTest {

  /** Nodes in the given document order, edges as "from>to" or "from>to?condition". */
  static GraphDefinition graph(List<String> ids, String... edges) {
    Map<String, NodeDefinition> nodes = new LinkedHashMap<>();
    for (String id : ids) {
      nodes.put(
          id,
          new NodeDefinition(
              id,
              NodeType.RULE,
              null,
              JsonNodeFactory.instance.objectNode().put("condition", "true"),
              null,
              null,
              null,
              null,
              null,
              null));
    }
    List<EdgeDefinition> list =
        java.util.Arrays.stream(edges)
            .map(
                e -> {
                  String[] parts = e.split("[>?]");
                  return new EdgeDefinition(parts[0], parts[1], parts.length > 2 ? parts[2] : null);
                })
            .toList();
    return new GraphDefinition("g", null, nodes, list, null);
  }

  @Test
  void diamondStructure() {
    Dag dag = Dag.of(graph(List.of("a", "b", "c", "d"), "a>b", "a>c?x", "b>d", "c>d"));

    assertThat(dag.roots()).containsExactly("a");
    assertThat(dag.children("a")).containsExactly("b", "c");
    assertThat(dag.parents("d")).containsExactly("b", "c");
    assertThat(dag.outgoing("a"))
        .containsExactly(new EdgeDefinition("a", "b", null), new EdgeDefinition("a", "c", "x"));
    assertThat(dag.incoming("c")).containsExactly(new EdgeDefinition("a", "c", "x"));
    assertThat(dag.incoming("a")).isEmpty();
    assertThat(dag.topologicalOrder()).containsExactly("a", "b", "c", "d");
    assertThat(dag.layers()).containsExactly(List.of("a"), List.of("b", "c"), List.of("d"));
    assertThat(dag.ancestors("d")).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(dag.ancestors("a")).isEmpty();
    assertThat(dag.isAncestor("a", "d")).isTrue();
    assertThat(dag.isAncestor("b", "c")).isFalse();
    assertThat(dag.graph().name()).isEqualTo("g");
  }

  @Test
  void topologicalOrderBreaksTiesByDocumentOrder() {
    Dag dag = Dag.of(graph(List.of("z", "y", "x", "w"), "x>z", "w>y"));

    assertThat(dag.roots()).containsExactly("x", "w");
    assertThat(dag.topologicalOrder()).containsExactly("x", "z", "w", "y");
    assertThat(dag.layers()).containsExactly(List.of("x", "w"), List.of("z", "y"));
  }

  @Test
  void layersFollowTheLongestPathFromARoot() {
    Dag dag = Dag.of(graph(List.of("a", "b", "c", "d"), "a>b", "b>c", "a>d", "c>d"));

    assertThat(dag.layers())
        .containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"));
  }

  @Test
  void isImmutable() {
    Dag dag = Dag.of(graph(List.of("a", "b"), "a>b"));

    assertThatThrownBy(() -> dag.children("a").add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> dag.ancestors("b").clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> dag.layers().get(0).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesInvalidGraphs() {
    assertThatThrownBy(() -> Dag.of(graph(List.of("a", "b"), "a>b", "b>a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the graph has a cycle");
    assertThatThrownBy(() -> Dag.of(graph(List.of("a"), "a>q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown node 'q'");
    Dag dag = Dag.of(graph(List.of("a")));
    assertThatThrownBy(() -> dag.parents("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown node 'nope'");
  }

  @Test
  void handlesLongChains() {
    int n = 2000;
    List<String> ids = java.util.stream.IntStream.range(0, n).mapToObj(i -> "n" + i).toList();
    String[] edges =
        java.util.stream.IntStream.range(1, n)
            .mapToObj(i -> "n" + (i - 1) + ">n" + i)
            .toArray(String[]::new);

    Dag dag = Dag.of(graph(ids, edges));

    assertThat(dag.layers()).hasSize(n);
    assertThat(dag.ancestors("n" + (n - 1))).hasSize(n - 1);
  }
}
