package io.logicgraph.model.graph;

import java.util.List;
import java.util.Set;

/** The dependency structure of a valid (acyclic) graph, computed once and immutable. */
public final class Dag {
  private Dag() {}

  public static Dag of(GraphDefinition graph) {
    throw new UnsupportedOperationException("being written");
  }

  public GraphDefinition graph() {
    throw new UnsupportedOperationException("being written");
  }

  /** Edges ending at {@code nodeId}, in document order. */
  public List<EdgeDefinition> incoming(String nodeId) {
    throw new UnsupportedOperationException("being written");
  }

  /** Edges starting at {@code nodeId}, in document order. */
  public List<EdgeDefinition> outgoing(String nodeId) {
    throw new UnsupportedOperationException("being written");
  }

  public List<String> parents(String nodeId) {
    throw new UnsupportedOperationException("being written");
  }

  public List<String> children(String nodeId) {
    throw new UnsupportedOperationException("being written");
  }

  /** Nodes without parents, in document order. */
  public List<String> roots() {
    throw new UnsupportedOperationException("being written");
  }

  /** A deterministic topological order (Kahn's algorithm, ties broken by document order). */
  public List<String> topologicalOrder() {
    throw new UnsupportedOperationException("being written");
  }

  /** Layers: layer 0 are the roots, layer n the nodes whose longest path from a root is n. */
  public List<List<String>> layers() {
    throw new UnsupportedOperationException("being written");
  }

  /** Every transitive parent of {@code nodeId}. */
  public Set<String> ancestors(String nodeId) {
    throw new UnsupportedOperationException("being written");
  }
}
