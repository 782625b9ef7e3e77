package io.logicgraph.orchestrator.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ExecutionContexts;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.error.NodeError;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.graph.Dag;
import io.logicgraph.model.graph.EdgeDefinition;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeStatus;
import io.logicgraph.model.graph.OnError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what happens next in an execution from the state of its nodes. Pure: the same states give
 * the same plan, whichever replica computes it and however often.
 *
 * <p>A pending node is decided once all its parents are terminal: it is queued when at least one
 * incoming edge is taken (parent completed, or failed with {@code on_error: continue}, and the
 * edge's condition holds on the context the node would see), otherwise skipped, which in turn
 * decides its children (skips propagate). A node that failed with {@code on_error: fail} fails the
 * execution: nothing new is queued and pending nodes are cancelled.
 */
public final class ExecutionPlanner {
  private static final Map<String, Expression> CONDITIONS = new ConcurrentHashMap<>();

  private ExecutionPlanner() {}

  public static Plan plan(
      Dag dag, ObjectNode input, Map<String, NodeState> states, ExecutionStatus current) {
    if (current.isTerminal()) {
      return Plan.nothing();
    }
    List<String> order = dag.topologicalOrder();
    Map<String, NodeStatus> status = new HashMap<>();
    Map<String, ObjectNode> outputs = new HashMap<>();
    for (String id : order) {
      NodeState state = states.get(id);
      status.put(id, state == null ? NodeStatus.PENDING : state.status());
      if (state != null && state.output() != null) {
        outputs.put(id, state.output());
      }
    }

    for (String id : order) {
      NodeState state = states.get(id);
      if (state != null && state.status() == NodeStatus.FAILED && !continuesOnError(dag, id)) {
        return failed(order, status, nodeError(state, id));
      }
    }

    List<String> toQueue = new ArrayList<>();
    List<String> toSkip = new ArrayList<>();
    for (String id : order) {
      if (status.get(id) != NodeStatus.PENDING) {
        continue;
      }
      List<EdgeDefinition> incoming = dag.incoming(id);
      if (incoming.stream().anyMatch(e -> !status.get(e.from()).isTerminal())) {
        continue;
      }
      boolean taken;
      try {
        taken = incoming.isEmpty() || anyTaken(dag, input, outputs, status, id, incoming);
      } catch (LogicGraphException e) {
        return failed(order, status, e.toNodeError(id));
      }
      if (taken) {
        toQueue.add(id);
        status.put(id, NodeStatus.QUEUED);
      } else {
        toSkip.add(id);
        status.put(id, NodeStatus.SKIPPED);
      }
    }

    if (status.values().stream().allMatch(NodeStatus::isTerminal)) {
      try {
        ObjectNode context = ExecutionContexts.finalContext(dag, input, outputs);
        return new Plan(toQueue, toSkip, List.of(), ExecutionStatus.COMPLETED, null, context);
      } catch (LogicGraphException e) {
        return new Plan(
            toQueue, toSkip, List.of(), ExecutionStatus.FAILED, e.toNodeError(null), null);
      }
    }
    return new Plan(toQueue, toSkip, List.of(), null, null, null);
  }

  private static boolean anyTaken(
      Dag dag,
      ObjectNode input,
      Map<String, ObjectNode> outputs,
      Map<String, NodeStatus> status,
      String id,
      List<EdgeDefinition> incoming) {
    ObjectNode view = null;
    for (EdgeDefinition edge : incoming) {
      NodeStatus parent = status.get(edge.from());
      boolean delivered =
          parent == NodeStatus.COMPLETED
              || (parent == NodeStatus.FAILED && continuesOnError(dag, edge.from()));
      if (!delivered) {
        continue;
      }
      if (!edge.isConditional()) {
        return true;
      }
      if (view == null) {
        view = ExecutionContexts.forNode(dag, input, outputs, id);
      }
      if (condition(edge.condition()).test(view)) {
        return true;
      }
    }
    return false;
  }

  private static Expression condition(String source) {
    if (CONDITIONS.size() > 10_000) {
      CONDITIONS.clear();
    }
    return CONDITIONS.computeIfAbsent(source, Expression::parse);
  }

  private static boolean continuesOnError(Dag dag, String id) {
    NodeDefinition node = dag.graph().node(id);
    return node != null && node.onErrorOrDefault() == OnError.CONTINUE;
  }

  private static NodeError nodeError(NodeState state, String id) {
    return state.error() != null
        ? state.error()
        : NodeError.permanent(ErrorCode.E001, id, "node '" + id + "' failed", null);
  }

  private static Plan failed(List<String> order, Map<String, NodeStatus> status, NodeError error) {
    List<String> cancel =
        order.stream().filter(id -> status.get(id) == NodeStatus.PENDING).toList();
    return new Plan(List.of(), List.of(), cancel, ExecutionStatus.FAILED, error, null);
  }
}
