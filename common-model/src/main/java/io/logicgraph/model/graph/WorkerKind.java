package io.logicgraph.model.graph;

/**
 * Who runs a node type: a worker pool, with the queue it consumes, or the orchestrator itself
 * ({@link #ORCHESTRATOR}: no queue, nothing is ever published for it).
 */
public enum WorkerKind {
  DB("node.db.tasks"),
  AI("node.ai.tasks"),
  RULE("node.rule.tasks"),
  ORCHESTRATOR(null);

  private final String queue;

  WorkerKind(String queue) {
    this.queue = queue;
  }

  /** The pool's task queue; null for {@link #ORCHESTRATOR}. */
  public String queue() {
    return queue;
  }

  /** A worker pool consuming a queue (false for nodes the orchestrator runs itself). */
  public boolean isPool() {
    return queue != null;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
