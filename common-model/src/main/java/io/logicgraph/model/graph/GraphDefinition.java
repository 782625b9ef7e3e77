package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A validated graph document in its normalized form: nodes in document order (the map keeps
 * insertion order), edges including those given as {@code dependencies}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GraphDefinition(
    String name,
    String description,
    Map<String, NodeDefinition> nodes,
    List<EdgeDefinition> edges,
    ObjectNode metadata) {

  public NodeDefinition node(String id) {
    return nodes.get(id);
  }
}
