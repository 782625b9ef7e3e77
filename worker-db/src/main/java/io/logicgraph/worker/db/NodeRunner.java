package io.logicgraph.worker.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.worker.PoolRunner;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;

/**
 * Runs one node attempt of a type this worker owns on the datasource the node names and returns the
 * output (the top-level context keys the node writes). Database clients are non-blocking.
 */
@ApplicationScoped
public class NodeRunner implements PoolRunner {
  /** The datasource kind each specific node type needs; DBNode takes any kind. */
  private static final Map<NodeType, String> KIND =
      Map.of(
          NodeType.POSTGRES, "postgres",
          NodeType.MYSQL, "mysql",
          NodeType.REDIS, "redis",
          NodeType.MONGO, "mongo");

  private final Datasources datasources;

  public NodeRunner(Datasources datasources) {
    this.datasources = datasources;
  }

  @Override
  public WorkerKind kind() {
    return WorkerKind.DB;
  }

  @Override
  public Uni<ObjectNode> run(NodeTask task, Instant deadline) {
    NodeType type = task.node().nodeType();
    if (type == null || type.worker() != WorkerKind.DB) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node type " + (type == null ? "(none)" : type.typeName()) + " is not run by worker-db",
          false,
          "the orchestrator routed the task to the wrong queue");
    }
    Datasource datasource = datasources.get(task.nodeId(), task.node().text("database"));
    String needed = KIND.get(type);
    String kind = datasource.settings().kind();
    if (needed != null && !needed.equals(kind)) {
      throw new LogicGraphException(
          ErrorCode.E004,
          type.typeName()
              + " '"
              + task.nodeId()
              + "' needs a "
              + needed
              + " datasource, but '"
              + datasource.settings().name()
              + "' is "
              + kind,
          false,
          "use DBNode, or name a " + needed + " datasource");
    }
    return datasource.execute(task, deadline);
  }
}
