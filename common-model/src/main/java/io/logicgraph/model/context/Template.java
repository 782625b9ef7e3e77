package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code {{path}}} templates (prompts, Redis keys and values): each placeholder becomes the value
 * at its path; strings as they are, objects and arrays JSON-encoded, missing values empty.
 */
public final class Template {
  private Template() {}

  public static String render(String template, JsonNode context) {
    throw new UnsupportedOperationException("being written");
  }

  /** The paths a template reads. */
  public static Set<String> paths(String template) {
    throw new UnsupportedOperationException("being written");
  }
}
