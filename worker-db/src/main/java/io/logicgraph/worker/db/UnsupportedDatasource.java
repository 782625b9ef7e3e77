package io.logicgraph.worker.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.NodeTask;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;

/** A configured datasource of a kind this worker version cannot run yet: fails clearly (E004). */
final class UnsupportedDatasource implements Datasource {
  private final DatasourceSettings settings;

  UnsupportedDatasource(DatasourceSettings settings) {
    this.settings = settings;
  }

  @Override
  public DatasourceSettings settings() {
    return settings;
  }

  @Override
  public Uni<ObjectNode> execute(NodeTask task, Instant deadline) {
    return Uni.createFrom()
        .failure(
            new LogicGraphException(
                ErrorCode.E004,
                "datasource '"
                    + settings.name()
                    + "' is a "
                    + settings.kind()
                    + " database, which this worker version does not support",
                false,
                null));
  }

  @Override
  public Uni<Void> ping(Duration timeout) {
    return Uni.createFrom().voidItem();
  }

  @Override
  public Uni<Void> close() {
    return Uni.createFrom().voidItem();
  }
}
