package io.logicgraph.orchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionPlannerTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static Dag dag(String yaml) {
    ValidationReport report = GraphLoader.load(yaml, GraphFormat.YAML, GraphLimits.DEFAULTS);
    assertThat(report.errors()).isEmpty();
    return Dag.of(report.graph());
  }

  private static final Dag DIAMOND =
      dag(
          """
          nodes:
            a: RuleNode
            b: RuleNode
            c: RuleNode
            d: RuleNode
          edges:
            - {from: a, to: b}
            - {from: a, to: c}
            - {from: b, to: d}
            - {from: c, to: d}
          """);

  private final Map<String, NodeState> states = new LinkedHashMap<>();

  private void state(String id, NodeStatus status, ObjectNode output) {
    states.put(id, new NodeState(id, status, status == NodeStatus.PENDING ? 0 : 1, output, null));
  }

  private static ObjectNode out(String key, Object value) {
    return JSON.objectNode().set(key, Json.MAPPER.valueToTree(value));
  }

  @Test
  void queuesTheRootsOfANewExecution() {
    for (String id : new String[] {"a", "b", "c", "d"}) {
      state(id, NodeStatus.PENDING, null);
    }
    Plan plan = ExecutionPlanner.plan(DIAMOND, JSON.objectNode(), states, ExecutionStatus.RUNNING);
    assertThat(plan.toQueue()).containsExactly("a");
    assertThat(plan.isTerminal()).isFalse();
  }

  @Test
  void aJoinWaitsForEveryParentThenIsQueuedOnce() {
    state("a", NodeStatus.COMPLETED, out("a_result", true));
    state("b", NodeStatus.COMPLETED, out("b_result", 1));
    state("c", NodeStatus.QUEUED, null);
    state("d", NodeStatus.PENDING, null);
    assertThat(
            ExecutionPlanner.plan(DIAMOND, JSON.objectNode(), states, ExecutionStatus.RUNNING)
                .toQueue())
        .isEmpty();

    state("c", NodeStatus.COMPLETED, out("c_result", 2));
    assertThat(
            ExecutionPlanner.plan(DIAMOND, JSON.objectNode(), states, ExecutionStatus.RUNNING)
                .toQueue())
        .containsExactly("d");
  }

  @Test
  void completesWithTheDeterministicFinalContext() {
    state("a", NodeStatus.COMPLETED, out("a_result", true));
    state("b", NodeStatus.COMPLETED, out("b_result", 1));
    state("c", NodeStatus.COMPLETED, out("c_result", 2));
    state("d", NodeStatus.COMPLETED, out("d_result", 3));
    Plan plan =
        ExecutionPlanner.plan(
            DIAMOND, JSON.objectNode().put("x", 9), states, ExecutionStatus.RUNNING);
    assertThat(plan.terminalStatus()).isEqualTo(ExecutionStatus.COMPLETED);
    assertThat(plan.finalContext().toString())
        .isEqualTo("{\"x\":9,\"a_result\":true,\"b_result\":1,\"c_result\":2,\"d_result\":3}");
  }

  @Test
  void aFailedNodeFailsTheExecutionAndCancelsPendingNodes() {
    state("a", NodeStatus.COMPLETED, out("a_result", true));
    states.put(
        "b",
        new NodeState(
            "b",
            NodeStatus.FAILED,
            1,
            null,
            NodeError.permanent(ErrorCode.E001, "b", "boom", null)));
    state("c", NodeStatus.QUEUED, null);
    state("d", NodeStatus.PENDING, null);
    Plan plan = ExecutionPlanner.plan(DIAMOND, JSON.objectNode(), states, ExecutionStatus.RUNNING);
    assertThat(plan.terminalStatus()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(plan.error().message()).isEqualTo("boom");
    assertThat(plan.toCancel()).containsExactly("d");
    assertThat(plan.toQueue()).isEmpty();
  }

  @Test
  void conditionsDecideEdgesAndSkipsPropagate() {
    Dag dag =
        dag(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode, d: RuleNode}
            edges:
              - {from: a, to: b, condition: "a_result == true"}
              - {from: b, to: c}
              - {from: a, to: d, condition: "a_result == false"}
            """);
    state("a", NodeStatus.COMPLETED, out("a_result", false));
    state("b", NodeStatus.PENDING, null);
    state("c", NodeStatus.PENDING, null);
    state("d", NodeStatus.PENDING, null);
    Plan plan = ExecutionPlanner.plan(dag, JSON.objectNode(), states, ExecutionStatus.RUNNING);
    assertThat(plan.toSkip()).containsExactly("b", "c");
    assertThat(plan.toQueue()).containsExactly("d");
  }

  @Test
  void aNodeWithOneTakenEdgeRunsEvenIfAnotherParentWasSkipped() {
    Dag dag =
        dag(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode}
            edges:
              - {from: a, to: b, condition: "false"}
              - {from: a, to: c}
              - {from: b, to: c}
            """);
    state("a", NodeStatus.COMPLETED, out("a_result", true));
    state("b", NodeStatus.PENDING, null);
    state("c", NodeStatus.PENDING, null);
    Plan plan = ExecutionPlanner.plan(dag, JSON.objectNode(), states, ExecutionStatus.RUNNING);
    assertThat(plan.toSkip()).containsExactly("b");
    assertThat(plan.toQueue()).containsExactly("c");
  }

  @Test
  void aTerminalExecutionPlansNothing() {
    state("a", NodeStatus.PENDING, null);
    Plan plan =
        ExecutionPlanner.plan(DIAMOND, JSON.objectNode(), states, ExecutionStatus.CANCELLED);
    assertThat(plan).isEqualTo(Plan.nothing());
  }
}
