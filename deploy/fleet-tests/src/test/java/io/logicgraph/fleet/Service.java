package io.logicgraph.fleet;

/** The five services of the fleet, each started from its module's packaged application. */
public enum Service {
  API_GATEWAY("api-gateway", "384m"),
  ORCHESTRATOR("orchestrator", "384m"),
  WORKER_DB("worker-db", "256m"),
  WORKER_AI("worker-ai", "256m"),
  WORKER_RULE("worker-rule", "256m");

  private final String module;
  private final String heap;

  Service(String module, String heap) {
    this.module = module;
    this.heap = heap;
  }

  /** The Maven module directory, also the service's name in logs. */
  public String module() {
    return module;
  }

  /** The {@code -Xmx} of the service's JVM, as in production. */
  public String heap() {
    return heap;
  }
}
