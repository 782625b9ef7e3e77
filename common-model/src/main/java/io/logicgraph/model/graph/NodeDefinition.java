package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One node of a graph (the blueprint, not a run). Fields common to every node type are typed; the
 * type-specific fields ({@code query}, {@code params}, {@code database}, {@code prompt}, {@code
 * model}, {@code condition}, {@code rules}, ...) stay in {@link #config} exactly as validated, so a
 * worker reads them with the accessors below.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeDefinition(
    String id,
    NodeType nodeType,
    String description,
    ObjectNode config,
    Long timeoutMs,
    RetryPolicy retry,
    CachePolicy cache,
    OnError onError,
    Map<String, String> fieldMappings,
    Map<String, String> inputs) {

  /** A type-specific text field, or null when absent or JSON null. */
  public String text(String field) {
    JsonNode value = config == null ? null : config.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** A type-specific field as JSON, or null when absent. */
  public JsonNode field(String field) {
    return config == null ? null : config.get(field);
  }

  public OnError onErrorOrDefault() {
    return onError == null ? OnError.FAIL : onError;
  }

  public RetryPolicy retryOrDefault() {
    return retry == null ? RetryPolicy.NONE : retry;
  }

  public Map<String, String> fieldMappingsOrEmpty() {
    return fieldMappings == null ? Map.of() : fieldMappings;
  }
}
