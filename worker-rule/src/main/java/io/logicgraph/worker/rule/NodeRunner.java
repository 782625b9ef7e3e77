package io.logicgraph.worker.rule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.worker.PoolRunner;
import io.logicgraph.worker.rule.grl.GrlNodeEvaluator;
import io.logicgraph.worker.rule.grl.RuleSetCache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Runs one node attempt of a type this worker owns and returns the output (the top-level context
 * keys the node writes). A RuleNode's condition is one expression without loops (nesting at most
 * 100 levels deep, strings at most 1 MB), evaluated in microseconds: it runs on the task's
 * event-loop context, because two thread hand-offs per task cost more than the evaluation (a 1-node
 * {@code execute?wait} went from 12.9-15.3 ms to 9.8-10.9 ms p50, docs/benchmarks.md). A GRL rule
 * set can fire rules up to its cycle limit, so it leaves the event loop for a worker thread.
 */
@ApplicationScoped
public class NodeRunner implements PoolRunner {
  private final RuleNodeEvaluator rules;
  private final GrlNodeEvaluator grl;
  private final Vertx vertx;

  public NodeRunner(Vertx vertx, RuleConfig config) {
    this.vertx = vertx;
    this.rules = new RuleNodeEvaluator(new ConditionCache(config.conditionCacheSize()));
    this.grl =
        new GrlNodeEvaluator(new RuleSetCache(config.ruleSetCacheSize()), config.grlMaxCycles());
  }

  @Override
  public WorkerKind kind() {
    return WorkerKind.RULE;
  }

  @Override
  public Uni<ObjectNode> run(NodeTask task, Instant deadline) {
    NodeType type = task.node().nodeType();
    if (type == NodeType.RULE) {
      return Uni.createFrom()
          .item(() -> rules.evaluate(task.nodeId(), task.node(), task.context()));
    }
    if (type == NodeType.GRL) {
      return offEventLoop(() -> grl.evaluate(task.nodeId(), task.node(), task.context()));
    }
    return Uni.createFrom()
        .failure(
            new LogicGraphException(
                ErrorCode.E004,
                "node type "
                    + (type == null ? "(none)" : type.typeName())
                    + " is not run by worker-rule",
                false,
                "the orchestrator routed the task to the wrong queue"));
  }

  private Uni<ObjectNode> offEventLoop(Callable<ObjectNode> evaluation) {
    return Uni.createFrom()
        .completionStage(
            () ->
                vertx.getOrCreateContext().executeBlocking(evaluation, false).toCompletionStage());
  }
}
