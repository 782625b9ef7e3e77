package io.logicgraph.model.graph;

/** The worker pool that runs a node type, with the queue it consumes. */
public enum WorkerKind {
  DB("node.db.tasks"),
  AI("node.ai.tasks"),
  RULE("node.rule.tasks");

  private final String queue;

  WorkerKind(String queue) {
    this.queue = queue;
  }

  public String queue() {
    return queue;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
