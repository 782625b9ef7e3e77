package io.logicgraph.worker.rule;

import io.logicgraph.model.expr.Expression;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed conditions by source text, least recently used evicted first: a graph runs the same
 * conditions many times, so each distinct text is parsed once while memory stays bounded.
 */
public final class ConditionCache {
  private final Map<String, Expression> parsed;

  public ConditionCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.parsed =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Expression> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The parsed expression; parse errors propagate and are not cached. */
  public Expression get(String source) {
    synchronized (parsed) {
      Expression cached = parsed.get(source);
      if (cached != null) {
        return cached;
      }
    }
    Expression expression = Expression.parse(source);
    synchronized (parsed) {
      parsed.put(source, expression);
    }
    return expression;
  }

  public int size() {
    synchronized (parsed) {
      return parsed.size();
    }
  }
}
