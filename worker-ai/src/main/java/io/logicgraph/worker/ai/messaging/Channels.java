package io.logicgraph.worker.ai.messaging;

/** Names of the messaging channels configured in application.properties. */
public final class Channels {
  /** Incoming NodeTask messages from this worker's queue. */
  public static final String TASKS = "tasks";

  /** Outgoing NodeResult messages to results.aggregation. */
  public static final String RESULTS = "results";

  private Channels() {}
}
