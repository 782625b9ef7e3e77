package io.logicgraph.worker.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeTask;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Tasks and error expectations shared by the datasource tests. */
public final class NodeTasks {
  private NodeTasks() {}

  public static NodeTask task(String nodeId, NodeType type, ObjectNode config, ObjectNode context) {
    NodeDefinition node =
        new NodeDefinition(nodeId, type, null, config, null, null, null, null, null, null);
    return new NodeTask(
        NodeTask.SCHEMA_VERSION,
        UUID.randomUUID(),
        nodeId,
        1,
        node,
        context,
        soon(),
        Instant.now());
  }

  /** A JSON object from text written with single quotes (for readable tests). */
  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Instant soon() {
    return Instant.now().plusSeconds(15);
  }

  public static ObjectNode run(Datasource datasource, NodeTask task) {
    return datasource.execute(task, soon()).await().atMost(Duration.ofSeconds(20));
  }

  public static void expectError(
      ThrowingCallable call,
      ErrorCode code,
      boolean retryable,
      Consumer<LogicGraphException> more) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            LogicGraphException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.retryable()).as(e.getMessage()).isEqualTo(retryable);
              more.accept(e);
            });
  }
}
