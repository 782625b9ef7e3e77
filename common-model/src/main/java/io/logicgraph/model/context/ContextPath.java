package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** Paths such as {@code a.b.0.c} that walk objects and arrays of the execution context. */
public final class ContextPath {
  private ContextPath() {}

  /** The value at {@code path}, or JSON null (never Java null) when any step is missing. */
  public static JsonNode get(JsonNode root, String path) {
    JsonNode value = resolve(root, path);
    return value.isMissingNode() ? NullNode.getInstance() : value;
  }

  /**
   * The value at {@code path}, telling absent from JSON null: {@link MissingNode} when any step is
   * missing, {@link NullNode} when the value is present and null. A numeric segment indexes an
   * array, or names a key of an object.
   */
  public static JsonNode resolve(JsonNode root, String path) {
    if (root == null || path == null) {
      return MissingNode.getInstance();
    }
    JsonNode current = root;
    int start = 0;
    int length = path.length();
    while (start <= length) {
      int dot = path.indexOf('.', start);
      int end = dot < 0 ? length : dot;
      current = step(current, path.substring(start, end));
      if (current.isMissingNode() || dot < 0) {
        return current;
      }
      start = dot + 1;
    }
    return current;
  }

  private static JsonNode step(JsonNode current, String segment) {
    if (segment.isEmpty()) {
      return MissingNode.getInstance();
    }
    if (current.isObject()) {
      return current.path(segment);
    }
    if (current.isArray()) {
      int index = arrayIndex(segment);
      return index < 0 ? MissingNode.getInstance() : current.path(index);
    }
    return MissingNode.getInstance();
  }

  private static int arrayIndex(String segment) {
    if (segment.length() > 9) {
      return -1;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(segment);
  }
}
