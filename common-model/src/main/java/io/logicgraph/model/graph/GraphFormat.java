package io.logicgraph.model.graph;

/** The two document syntaxes a graph may be written in. */
public enum GraphFormat {
  JSON,
  YAML
}
