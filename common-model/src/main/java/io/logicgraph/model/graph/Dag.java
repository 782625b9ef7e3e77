package io.logicgraph.model.graph;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/** The dependency structure of a valid (acyclic) graph, computed once and immutable. */
public final class Dag {
  private final GraphDefinition graph;
  private final List<String> ids;
  private final Map<String, Integer> index;
  private final List<List<EdgeDefinition>> incoming;
  private final List<List<EdgeDefinition>> outgoing;
  private final List<List<String>> parents;
  private final List<List<String>> children;
  private final List<String> roots;
  private final List<String> topologicalOrder;
  private final List<List<String>> layers;
  private final List<Set<String>> ancestors;

  private Dag(GraphDefinition graph) {
    this.graph = graph;
    this.ids = List.copyOf(graph.nodes().keySet());
    int n = ids.size();
    this.index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(ids.get(i), i);
    }
    List<List<EdgeDefinition>> in = emptyLists(n);
    List<List<EdgeDefinition>> out = emptyLists(n);
    List<LinkedHashSet<Integer>> parentIdx = new ArrayList<>(n);
    List<LinkedHashSet<Integer>> childIdx = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parentIdx.add(new LinkedHashSet<>());
      childIdx.add(new LinkedHashSet<>());
    }
    List<EdgeDefinition> edges = graph.edges() == null ? List.of() : graph.edges();
    for (EdgeDefinition edge : edges) {
      int from = indexOfEndpoint(edge.from(), edge);
      int to = indexOfEndpoint(edge.to(), edge);
      if (from == to) {
        throw new IllegalArgumentException("self-loop on node '" + edge.from() + "'");
      }
      out.get(from).add(edge);
      in.get(to).add(edge);
      parentIdx.get(to).add(from);
      childIdx.get(from).add(to);
    }
    this.incoming = freeze(in);
    this.outgoing = freeze(out);
    this.parents = names(parentIdx);
    this.children = names(childIdx);

    int[] order = kahn(parentIdx, childIdx);
    this.topologicalOrder = order.length == 0 ? List.of() : namesOf(order);
    int[] layerOf = new int[n];
    int depth = 0;
    for (int node : order) {
      for (int parent : parentIdx.get(node)) {
        layerOf[node] = Math.max(layerOf[node], layerOf[parent] + 1);
      }
      depth = Math.max(depth, layerOf[node] + 1);
    }
    List<List<String>> layerLists = emptyLists(n == 0 ? 0 : depth);
    List<String> rootList = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      layerLists.get(layerOf[i]).add(ids.get(i));
      if (parentIdx.get(i).isEmpty()) {
        rootList.add(ids.get(i));
      }
    }
    this.layers = freeze(layerLists);
    this.roots = List.copyOf(rootList);

    BitSet[] ancestorBits = new BitSet[n];
    for (int node : order) {
      BitSet bits = new BitSet(n);
      for (int parent : parentIdx.get(node)) {
        bits.set(parent);
        bits.or(ancestorBits[parent]);
      }
      ancestorBits[node] = bits;
    }
    List<Set<String>> ancestorSets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ancestorSets.add(new NodeSet(ancestorBits[i], ids, index));
    }
    this.ancestors = List.copyOf(ancestorSets);
  }

  /**
   * Analyses a graph whose edges reference its nodes and form no cycle (a graph that passed
   * validation).
   *
   * @throws IllegalArgumentException for an unknown edge endpoint, a self-loop or a cycle
   */
  public static Dag of(GraphDefinition graph) {
    Objects.requireNonNull(graph, "graph");
    return new Dag(graph);
  }

  public GraphDefinition graph() {
    return graph;
  }

  /** Edges ending at {@code nodeId}, in document order. */
  public List<EdgeDefinition> incoming(String nodeId) {
    return incoming.get(indexOf(nodeId));
  }

  /** Edges starting at {@code nodeId}, in document order. */
  public List<EdgeDefinition> outgoing(String nodeId) {
    return outgoing.get(indexOf(nodeId));
  }

  public List<String> parents(String nodeId) {
    return parents.get(indexOf(nodeId));
  }

  public List<String> children(String nodeId) {
    return children.get(indexOf(nodeId));
  }

  /** Nodes without parents, in document order. */
  public List<String> roots() {
    return roots;
  }

  /** A deterministic topological order (Kahn's algorithm, ties broken by document order). */
  public List<String> topologicalOrder() {
    return topologicalOrder;
  }

  /** Layers: layer 0 are the roots, layer n the nodes whose longest path from a root is n. */
  public List<List<String>> layers() {
    return layers;
  }

  /** Every transitive parent of {@code nodeId}. */
  public Set<String> ancestors(String nodeId) {
    return ancestors.get(indexOf(nodeId));
  }

  /** Whether {@code ancestor} is a transitive parent of {@code nodeId}. */
  public boolean isAncestor(String ancestor, String nodeId) {
    indexOf(ancestor);
    return ancestors.get(indexOf(nodeId)).contains(ancestor);
  }

  /** Position of a node in document order (0-based). */
  public int documentIndex(String nodeId) {
    return indexOf(nodeId);
  }

  private int indexOf(String nodeId) {
    Integer i = index.get(nodeId);
    if (i == null) {
      throw new IllegalArgumentException("unknown node '" + nodeId + "'");
    }
    return i;
  }

  private int indexOfEndpoint(String id, EdgeDefinition edge) {
    Integer i = id == null ? null : index.get(id);
    if (i == null) {
      throw new IllegalArgumentException(
          "edge " + edge.from() + " -> " + edge.to() + " references unknown node '" + id + "'");
    }
    return i;
  }

  private int[] kahn(
      List<LinkedHashSet<Integer>> parentIdx, List<LinkedHashSet<Integer>> childIdx) {
    int n = parentIdx.size();
    int[] remaining = new int[n];
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      remaining[i] = parentIdx.get(i).size();
      if (remaining[i] == 0) {
        ready.add(i);
      }
    }
    int[] order = new int[n];
    int count = 0;
    while (!ready.isEmpty()) {
      int node = ready.poll();
      order[count++] = node;
      for (int child : childIdx.get(node)) {
        if (--remaining[child] == 0) {
          ready.add(child);
        }
      }
    }
    if (count < n) {
      throw new IllegalArgumentException("the graph has a cycle");
    }
    return order;
  }

  private List<String> namesOf(int[] order) {
    List<String> names = new ArrayList<>(order.length);
    for (int i : order) {
      names.add(ids.get(i));
    }
    return List.copyOf(names);
  }

  private List<List<String>> names(List<LinkedHashSet<Integer>> indices) {
    List<List<String>> out = new ArrayList<>(indices.size());
    for (LinkedHashSet<Integer> set : indices) {
      List<String> names = new ArrayList<>(set.size());
      set.forEach(i -> names.add(ids.get(i)));
      out.add(List.copyOf(names));
    }
    return List.copyOf(out);
  }

  /** A read-only set of node ids backed by a bit per node, iterated in document order. */
  private static final class NodeSet extends AbstractSet<String> {
    private final BitSet bits;
    private final int size;
    private final List<String> ids;
    private final Map<String, Integer> index;

    NodeSet(BitSet bits, List<String> ids, Map<String, Integer> index) {
      this.bits = bits;
      this.size = bits.cardinality();
      this.ids = ids;
      this.index = index;
    }

    @Override
    public boolean contains(Object o) {
      Integer i = o instanceof String s ? index.get(s) : null;
      return i != null && bits.get(i);
    }

    @Override
    public Iterator<String> iterator() {
      return bits.stream().mapToObj(ids::get).iterator();
    }

    @Override
    public int size() {
      return size;
    }
  }

  private static <T> List<List<T>> emptyLists(int n) {
    List<List<T>> lists = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lists.add(new ArrayList<>());
    }
    return lists;
  }

  private static <T> List<List<T>> freeze(List<List<T>> lists) {
    List<List<T>> frozen = new ArrayList<>(lists.size());
    lists.forEach(l -> frozen.add(List.copyOf(l)));
    return List.copyOf(frozen);
  }
}
