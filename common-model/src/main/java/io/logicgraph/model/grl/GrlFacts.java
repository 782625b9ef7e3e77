package io.logicgraph.model.grl;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.context.ContextPath;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The facts a GrlNode's rules see: the context's top-level scalar values, then each {@code
 * field_mappings} entry (fact name to context path). A mapping whose path is absent leaves its fact
 * as it was (unset, unless the context has a top-level value of that name), so conditions reading
 * an unset fact are false.
 */
public final class GrlFacts {
  private GrlFacts() {}

  public static Map<String, JsonNode> from(JsonNode context, Map<String, String> fieldMappings) {
    Map<String, JsonNode> facts = new LinkedHashMap<>();
    if (context != null && context.isObject()) {
      context
          .fields()
          .forEachRemaining(
              field -> {
                if (field.getValue().isValueNode()) {
                  facts.put(field.getKey(), field.getValue());
                }
              });
    }
    if (fieldMappings != null) {
      fieldMappings.forEach(
          (fact, path) -> {
            JsonNode value = ContextPath.resolve(context, path);
            if (!value.isMissingNode()) {
              facts.put(fact, value);
            }
          });
    }
    return facts;
  }
}
