package io.logicgraph.model.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Every node type of the format, with the worker pool that runs it. */
public enum NodeType {
  POSTGRES("PostgresNode", WorkerKind.DB),
  MYSQL("MySQLNode", WorkerKind.DB),
  REDIS("RedisNode", WorkerKind.DB),
  MONGO("MongoNode", WorkerKind.DB),
  DB("DBNode", WorkerKind.DB),
  OPENAI("OpenAINode", WorkerKind.AI),
  CLAUDE("ClaudeNode", WorkerKind.AI),
  OLLAMA("OllamaNode", WorkerKind.AI),
  AI("AINode", WorkerKind.AI),
  RULE("RuleNode", WorkerKind.RULE),
  GRL("GrlNode", WorkerKind.RULE),
  SUBGRAPH("SubgraphNode", WorkerKind.ORCHESTRATOR);

  private final String typeName;
  private final WorkerKind worker;

  NodeType(String typeName, WorkerKind worker) {
    this.typeName = typeName;
    this.worker = worker;
  }

  /** The name used in graph documents, e.g. {@code PostgresNode}. */
  @JsonValue
  public String typeName() {
    return typeName;
  }

  public WorkerKind worker() {
    return worker;
  }

  public static Optional<NodeType> fromTypeName(String name) {
    return Arrays.stream(values()).filter(t -> t.typeName.equals(name)).findFirst();
  }

  @JsonCreator
  static NodeType of(String name) {
    return fromTypeName(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown node type: " + name));
  }
}
