package io.logicgraph.model.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Structural facts about nodes {@code 0..n-1} (document order) and directed edges between them:
 * cycles and weakly connected components. Iterative, so deep graphs cannot overflow the stack.
 */
final class GraphShape {
  private final int n;
  private final List<List<Integer>> children;

  /**
   * @param edges pairs {from, to}; self-loops and duplicates are tolerated
   */
  GraphShape(int n, List<int[]> edges) {
    this.n = n;
    this.children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(new ArrayList<>());
    }
    for (int[] edge : edges) {
      if (!children.get(edge[0]).contains(edge[1])) {
        children.get(edge[0]).add(edge[1]);
      }
    }
    children.forEach(list -> list.sort(Integer::compare));
  }

  /**
   * One cycle per strongly connected component that has one, each starting at the component's first
   * node in document order and following children in document order, ending where it started (e.g.
   * {@code [a, b, c, a]}); components ordered by their first node.
   */
  List<List<Integer>> cycles() {
    int[] component = stronglyConnectedComponents();
    int[] size = new int[n];
    for (int c : component) {
      size[c]++;
    }
    List<List<Integer>> cycles = new ArrayList<>();
    boolean[] reported = new boolean[n];
    for (int start = 0; start < n; start++) {
      int c = component[start];
      boolean selfLoop = children.get(start).contains(start);
      if ((size[c] > 1 || selfLoop) && !reported[c]) {
        reported[c] = true;
        cycles.add(selfLoop ? List.of(start, start) : cycleFrom(start, component));
      }
    }
    return cycles;
  }

  private List<Integer> cycleFrom(int start, int[] component) {
    boolean[] visited = new boolean[n];
    Deque<Integer> path = new ArrayDeque<>();
    Deque<Integer> nextChild = new ArrayDeque<>();
    path.addLast(start);
    nextChild.addLast(0);
    visited[start] = true;
    while (!path.isEmpty()) {
      int node = path.peekLast();
      int i = nextChild.removeLast();
      List<Integer> kids = children.get(node);
      if (i >= kids.size()) {
        path.removeLast();
        continue;
      }
      nextChild.addLast(i + 1);
      int child = kids.get(i);
      if (child == start) {
        List<Integer> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (!visited[child] && component[child] == component[start]) {
        visited[child] = true;
        path.addLast(child);
        nextChild.addLast(0);
      }
    }
    throw new IllegalStateException("no cycle through a node of a cyclic component");
  }

  /** Tarjan's algorithm without recursion; returns the component id of each node. */
  private int[] stronglyConnectedComponents() {
    int[] index = new int[n];
    int[] low = new int[n];
    int[] component = new int[n];
    boolean[] onStack = new boolean[n];
    Arrays.fill(index, -1);
    Deque<Integer> stack = new ArrayDeque<>();
    int counter = 0;
    int components = 0;
    for (int root = 0; root < n; root++) {
      if (index[root] >= 0) {
        continue;
      }
      Deque<int[]> work = new ArrayDeque<>();
      work.push(new int[] {root, 0});
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = true;
      while (!work.isEmpty()) {
        int[] frame = work.peek();
        int node = frame[0];
        List<Integer> kids = children.get(node);
        if (frame[1] < kids.size()) {
          int child = kids.get(frame[1]++);
          if (index[child] < 0) {
            index[child] = low[child] = counter++;
            stack.push(child);
            onStack[child] = true;
            work.push(new int[] {child, 0});
          } else if (onStack[child]) {
            low[node] = Math.min(low[node], index[child]);
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          int parent = work.peek()[0];
          low[parent] = Math.min(low[parent], low[node]);
        }
        if (low[node] == index[node]) {
          int member;
          do {
            member = stack.pop();
            onStack[member] = false;
            component[member] = components;
          } while (member != node);
          components++;
        }
      }
    }
    return component;
  }

  /** Weakly connected components, each in document order, ordered by their first node. */
  List<List<Integer>> components() {
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int from = 0; from < n; from++) {
      for (int to : children.get(from)) {
        int a = find(parent, from);
        int b = find(parent, to);
        if (a != b) {
          parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
    List<List<Integer>> groups = new ArrayList<>();
    int[] groupOf = new int[n];
    Arrays.fill(groupOf, -1);
    for (int i = 0; i < n; i++) {
      int root = find(parent, i);
      if (groupOf[root] < 0) {
        groupOf[root] = groups.size();
        groups.add(new ArrayList<>());
      }
      groups.get(groupOf[root]).add(i);
    }
    return groups;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
