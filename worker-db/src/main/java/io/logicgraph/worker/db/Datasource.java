package io.logicgraph.worker.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.NodeTask;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;

/**
 * One operator-configured datasource, open for the life of the worker. One implementation per
 * database kind: postgres, mysql (also MariaDB), redis, mongo.
 */
public interface Datasource {
  DatasourceSettings settings();

  /**
   * Runs the task's node against this datasource and returns the context keys it writes ({@code
   * <id>_result}, ...). Fails with a {@link io.logicgraph.model.error.LogicGraphException} that
   * says whether trying again can help; finishes before {@code deadline}.
   */
  Uni<ObjectNode> execute(NodeTask task, Instant deadline);

  /** A cheap round trip proving the datasource answers (readiness). */
  Uni<Void> ping(Duration timeout);

  Uni<Void> close();
}
