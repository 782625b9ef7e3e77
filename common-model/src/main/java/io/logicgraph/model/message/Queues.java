package io.logicgraph.model.message;

/** Names of the five seed queues; the topology itself lives in each service's configuration. */
public final class Queues {
  /** Execution requests, gateway to orchestrator. */
  public static final String GRAPH_ORCHESTRATION = "graph.orchestration";

  /** Node results, workers to orchestrator. */
  public static final String RESULTS_AGGREGATION = "results.aggregation";

  public static final String DB_TASKS = "node.db.tasks";
  public static final String AI_TASKS = "node.ai.tasks";
  public static final String RULE_TASKS = "node.rule.tasks";

  private Queues() {}
}
