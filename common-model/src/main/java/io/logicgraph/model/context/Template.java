package io.logicgraph.model.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{path}}} templates (prompts, Redis keys and values): each placeholder becomes the value
 * at its path; strings as they are, objects and arrays JSON-encoded, missing values empty.
 */
public final class Template {
  /** A placeholder: a path without whitespace or braces, optionally padded with whitespace. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");

  private Template() {}

  public static String render(String template, JsonNode context) {
    Objects.requireNonNull(template, "template");
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 16);
    while (matcher.find()) {
      String value = toText(ContextPath.get(context, matcher.group(1)));
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** The paths a template reads. */
  public static Set<String> paths(String template) {
    Objects.requireNonNull(template, "template");
    Set<String> paths = new LinkedHashSet<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      paths.add(matcher.group(1));
    }
    return Collections.unmodifiableSet(paths);
  }

  /**
   * How a value reads when inserted into text: strings as they are, numbers and booleans as their
   * literal, objects and arrays JSON-encoded, null or missing as the empty string.
   */
  public static String toText(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    }
    if (value.isContainerNode()) {
      return value.toString();
    }
    return value.asText();
  }
}
