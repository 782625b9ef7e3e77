package io.logicgraph.worker.db.mongo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.context.Template;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a JSON template (a Mongo {@code filter} or {@code document}) from the execution context
 * without ever splicing text into JSON: the tree is walked and only string values change.
 *
 * <ul>
 *   <li>A string value that is exactly one placeholder, {@code "{{path}}"}, becomes the context
 *       value with its JSON type: a number stays a number, an object stays an object; a missing
 *       path is {@code null}.
 *   <li>A string value with a placeholder among other text is rendered as text ({@link
 *       Template#render}): {@code "order-{{id}}"} → {@code "order-42"}.
 *   <li>Keys and every other value are left as written.
 * </ul>
 *
 * A substituted value is data, never query syntax: an object or array taken from the context that
 * holds a key starting with {@code $} (an operator such as {@code $ne}, or extended JSON such as
 * {@code $oid}) is refused with E010.
 */
public final class JsonTemplate {
  private static final Pattern WHOLE = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");

  private JsonTemplate() {}

  /**
   * A filled copy of {@code template}, the {@code field} ({@code filter}, {@code document}) of node
   * {@code nodeId}.
   */
  public static ObjectNode fill(
      ObjectNode template, JsonNode context, String nodeId, String field) {
    return (ObjectNode) value(template, context, field + " of node '" + nodeId + "'", field);
  }

  private static JsonNode value(JsonNode node, JsonNode context, String what, String at) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        out.set(field.getKey(), value(field.getValue(), context, what, at + "." + field.getKey()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        out.add(value(node.get(i), context, what, at + "." + i));
      }
      return out;
    }
    if (!node.isTextual() || !node.textValue().contains("{{")) {
      return node;
    }
    Matcher whole = WHOLE.matcher(node.textValue());
    if (whole.matches()) {
      String path = whole.group(1);
      JsonNode substituted = ContextPath.get(context, path);
      String operator = operatorKey(substituted);
      if (operator != null) {
        throw new LogicGraphException(
            ErrorCode.E010,
            what
                + ": the context value '"
                + path
                + "' substituted at "
                + at
                + " holds the key '"
                + operator
                + "'; substituted values are data, never query operators or extended JSON",
            false,
            "write operators in the template itself, e.g. {\"qty\": {\"$gt\": \"{{min_qty}}\"}}");
      }
      return substituted.deepCopy();
    }
    return JsonNodeFactory.instance.textNode(Template.render(node.textValue(), context));
  }

  /** The first key starting with {@code $} anywhere inside a value, or null. */
  private static String operatorKey(JsonNode value) {
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("$")) {
          return field.getKey();
        }
        String nested = operatorKey(field.getValue());
        if (nested != null) {
          return nested;
        }
      }
    } else if (value.isArray()) {
      for (JsonNode element : value) {
        String nested = operatorKey(element);
        if (nested != null) {
          return nested;
        }
      }
    }
    return null;
  }
}
