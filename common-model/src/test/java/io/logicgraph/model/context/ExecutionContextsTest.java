package io.logicgraph.model.context;

import static io.logicgraph.model.context.ContextPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionContextsTest {
  /** start -> (left, right) -> join; solo is unrelated. */
  private final Dag dag =
      Dag.of(
          GraphLoader.load(
                  """
                  nodes:
                    start: RuleNode
                    left: {type: RuleNode, dependencies: [start]}
                    right: {type: RuleNode, dependencies: [start]}
                    join: {type: RuleNode, dependencies: [left, right]}
                    solo: RuleNode
                  """,
                  GraphFormat.YAML,
                  GraphLimits.DEFAULTS)
              .graph());

  private final ObjectNode input = (ObjectNode) json("{\"user_id\": 7, \"flag\": \"input\"}");

  private static ObjectNode out(String text) {
    return (ObjectNode) json(text);
  }

  @Test
  void aNodeSeesTheInputAndItsAncestorsOutputsOnly() {
    Map<String, ObjectNode> outputs = new LinkedHashMap<>();
    outputs.put("start", out("{\"start_result\": true}"));
    outputs.put("left", out("{\"left_result\": 1, \"flag\": \"left\"}"));
    outputs.put("solo", out("{\"solo_result\": \"x\"}"));

    ObjectNode forRight = ExecutionContexts.forNode(dag, input, outputs, "right");
    ObjectNode forJoin = ExecutionContexts.forNode(dag, input, outputs, "join");

    assertThat(forRight.toString())
        .isEqualTo("{\"user_id\":7,\"flag\":\"input\",\"start_result\":true}");
    assertThat(forJoin.toString())
        .isEqualTo("{\"user_id\":7,\"flag\":\"left\",\"start_result\":true,\"left_result\":1}");
    assertThat(input.toString()).isEqualTo("{\"user_id\":7,\"flag\":\"input\"}");
  }

  @Test
  void laterNodesOverwriteWhatTheirAncestorsWrote() {
    Map<String, ObjectNode> outputs = new LinkedHashMap<>();
    outputs.put("join", out("{\"score\": 3}"));
    outputs.put("start", out("{\"score\": 1}"));

    ObjectNode result = ExecutionContexts.finalContext(dag, input, outputs);

    assertThat(result.get("score").asInt()).isEqualTo(3);
  }

  @Test
  void finalContextHasEveryOutputWhateverTheOrderOfArrival() {
    Map<String, ObjectNode> outputs = new LinkedHashMap<>();
    outputs.put("solo", out("{\"solo_result\": 1}"));
    outputs.put("right", out("{\"right_result\": 2}"));
    outputs.put("start", out("{\"start_result\": 0}"));

    ObjectNode result = ExecutionContexts.finalContext(dag, null, outputs);

    assertThat(result.toString())
        .isEqualTo("{\"start_result\":0,\"right_result\":2,\"solo_result\":1}");
  }

  @Test
  void concurrentWritersOfOneKeyFailWithE010() {
    Map<String, ObjectNode> outputs = new LinkedHashMap<>();
    outputs.put("right", out("{\"decision\": \"b\"}"));
    outputs.put("left", out("{\"decision\": \"a\"}"));

    assertThatThrownBy(() -> ExecutionContexts.finalContext(dag, input, outputs))
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E010);
              assertThat(e.retryable()).isFalse();
              assertThat(e.hint()).contains("depend on the other");
            })
        .hasMessage(
            "nodes 'left' and 'right' both write 'decision' and may run concurrently; the result"
                + " would depend on timing");
    // A node's view stays deterministic (topological order); the conflict fails the execution.
    assertThat(ExecutionContexts.forNode(dag, input, outputs, "join").get("decision").asText())
        .isEqualTo("b");
    assertThat(ExecutionContexts.forNode(dag, input, outputs, "right").has("decision")).isFalse();
  }

  @Test
  void unrelatedNodesConflictToo() {
    Map<String, ObjectNode> outputs = Map.of("solo", out("{\"k\": 1}"), "join", out("{\"k\": 2}"));

    assertThatThrownBy(() -> ExecutionContexts.finalContext(dag, input, outputs))
        .hasMessageStartingWith("nodes 'join' and 'solo' both write 'k'");
  }

  @Test
  void rejectsOutputsOfUnknownNodes() {
    assertThatThrownBy(() -> ExecutionContexts.finalContext(dag, input, Map.of("ghost", out("{}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown node 'ghost'");
  }
}
