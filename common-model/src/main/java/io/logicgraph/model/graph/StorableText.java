package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Text that PostgreSQL's {@code text} and {@code jsonb} cannot store: the NUL character and
 * unpaired UTF-16 surrogates. Such a value is refused at the door, with the path of the key or
 * value carrying it, rather than failing when it is written.
 */
public final class StorableText {
  private StorableText() {}

  /** Why the text cannot be stored, or null when it can. */
  public static String problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        return "contains a NUL character (U+0000), which cannot be stored; remove it";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return "contains an unpaired UTF-16 surrogate (U+"
            + Integer.toHexString(c).toUpperCase()
            + "), which is not a character; send valid Unicode";
      }
      if (Character.isLowSurrogate(c)) {
        return "contains an unpaired UTF-16 surrogate (U+"
            + Integer.toHexString(c).toUpperCase()
            + "), which is not a character; send valid Unicode";
      }
    }
    return null;
  }

  /**
   * Every key and text value under {@code value} that cannot be stored, with its path (keys joined
   * with '.', list items as [i], starting at {@code path}).
   */
  public static List<ValidationProblem> check(JsonNode value, String path) {
    List<ValidationProblem> problems = new ArrayList<>();
    check(value, path, problems);
    return problems;
  }

  static void check(JsonNode value, String path, List<ValidationProblem> problems) {
    if (value == null) {
      return;
    }
    if (value.isTextual()) {
      String problem = problem(value.textValue());
      if (problem != null) {
        problems.add(new ValidationProblem(path, "the text " + problem));
      }
    } else if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        String problem = problem(field.getKey());
        if (problem != null) {
          problems.add(new ValidationProblem(child, "the key " + problem));
        }
        check(field.getValue(), child, problems);
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        check(value.get(i), path + "[" + i + "]", problems);
      }
    }
  }
}
