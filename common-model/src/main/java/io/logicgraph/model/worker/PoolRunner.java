package io.logicgraph.model.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.NodeTask;
import io.smallrye.mutiny.Uni;
import java.time.Instant;

/**
 * What a worker pool contributes to the shared worker runtime: which pool it is and how it runs a
 * node. Everything else (consuming tasks, concurrency, suspect tasks, publishing results, metrics,
 * readiness) is the runtime's. Exactly one bean implements it in each worker.
 */
public interface PoolRunner {
  /** The pool: its queue is consumed and its label tags the metrics. */
  WorkerKind kind();

  /**
   * Runs the node of {@code task}; the item is the node's output. Fails with a {@code
   * LogicGraphException} for errors the node type knows (its code and retryability go into the
   * result); anything else is reported as an unexpected worker error.
   */
  Uni<ObjectNode> run(NodeTask task, Instant deadline);
}
