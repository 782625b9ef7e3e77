package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed reads of the fields of one JSON object (a node, a retry block, ...), recording a problem at
 * the field's path for every value of the wrong shape. A JSON null counts as absent.
 */
final class FieldReader {
  /** A context path: non-empty segments separated by dots. */
  private static final Pattern CONTEXT_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  private final ObjectNode object;
  private final String path;
  private final String owner;
  private final Problems problems;

  /**
   * @param owner how the object is named in "missing required field 'x' for ..." (e.g. {@code
   *     PostgresNode})
   */
  FieldReader(ObjectNode object, String path, String owner, Problems problems) {
    this.object = object;
    this.path = path;
    this.owner = owner;
    this.problems = problems;
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  Problems problems() {
    return problems;
  }

  /** The value, or null when absent or JSON null. */
  JsonNode value(String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value;
  }

  boolean has(String field) {
    return value(field) != null;
  }

  void error(String field, String message) {
    problems.error(path(field), message);
  }

  void missing(String field, String what) {
    error(
        field,
        "missing required field '"
            + field
            + "' for "
            + owner
            + (what == null ? "" : " (" + what + ")"));
  }

  /** A string; blank is an error when {@code nonBlank}. */
  String text(String field, boolean required, boolean nonBlank, String what) {
    JsonNode value = value(field);
    if (value == null) {
      if (required) {
        missing(field, what);
      }
      return null;
    }
    if (!value.isTextual()) {
      error(field, "'" + field + "' must be a string");
      return null;
    }
    if (nonBlank && value.textValue().isBlank()) {
      error(field, "'" + field + "' must not be blank");
      return null;
    }
    return value.textValue();
  }

  /** One of {@code choices}, matched ignoring case, returned as spelled in {@code choices}. */
  String choice(String field, boolean required, List<String> choices) {
    String text = text(field, required, false, "one of " + String.join(", ", choices));
    if (text == null) {
      return null;
    }
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(text.strip())) {
        return choice;
      }
    }
    error(field, "'" + field + "' must be one of " + String.join(", ", choices));
    return null;
  }

  /** An integer of at least {@code min}; decimals and strings are errors. */
  Long integer(String field, boolean required, long min) {
    JsonNode value = value(field);
    if (value == null) {
      if (required) {
        missing(field, null);
      }
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
      String bound =
          min == 0
              ? "a non-negative integer"
              : min == 1 ? "a positive integer" : "an integer of at least " + min;
      error(field, "'" + field + "' must be " + bound);
      return null;
    }
    return value.longValue();
  }

  /** A number within {@code [min, max]}. */
  Double number(String field, double min, double max) {
    JsonNode value = value(field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
      String range =
          max == Double.MAX_VALUE ? "at least " + format(min) : format(min) + ".." + format(max);
      error(field, "'" + field + "' must be a number " + range);
      return null;
    }
    return value.doubleValue();
  }

  private static String format(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  ObjectNode object(String field) {
    JsonNode value = value(field);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      error(field, "'" + field + "' must be an object");
      return null;
    }
    return (ObjectNode) value;
  }

  /** A list of non-blank strings; with {@code contextPaths}, each must be a valid path. */
  List<String> strings(String field, boolean contextPaths) {
    JsonNode value = value(field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      error(field, "'" + field + "' must be a list of strings");
      return null;
    }
    List<String> out = new ArrayList<>(value.size());
    boolean ok = true;
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      String itemPath = path(field) + "[" + i + "]";
      if (!item.isTextual() || item.textValue().isBlank()) {
        problems.error(itemPath, "must be a non-blank string");
        ok = false;
      } else if (contextPaths && !isContextPath(item.textValue())) {
        problems.error(itemPath, "'" + item.textValue() + "' is not a context path (a.b.0.c)");
        ok = false;
      } else {
        out.add(item.textValue());
      }
    }
    return ok ? out : null;
  }

  /** An object of string values (local name or fact name to context path). */
  Map<String, String> pathMap(String field) {
    ObjectNode value = object(field);
    if (value == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean[] ok = {true};
    value
        .fields()
        .forEachRemaining(
            entry -> {
              String entryPath = path(field) + "." + entry.getKey();
              JsonNode v = entry.getValue();
              if (entry.getKey().isBlank()) {
                problems.error(entryPath, "names must not be blank");
                ok[0] = false;
              } else if (!v.isTextual() || !isContextPath(v.textValue().strip())) {
                problems.error(entryPath, "must be a context path string (a.b.0.c)");
                ok[0] = false;
              } else {
                out.put(entry.getKey(), v.textValue().strip());
              }
            });
    return ok[0] ? out : null;
  }

  static boolean isContextPath(String text) {
    return text != null && CONTEXT_PATH.matcher(text).matches();
  }
}
