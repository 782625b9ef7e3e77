package io.logicgraph.model.graph;

/** Size limits checked by validation (spec 04, configurable). */
public record GraphLimits(int maxNodes, int maxEdges, int maxGrlRules) {
  public static final GraphLimits DEFAULTS = new GraphLimits(500, 2000, 500);
}
