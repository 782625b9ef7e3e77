package io.logicgraph.model.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.NodeTask;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private static NodeTask task(String nodeId, ObjectNode context) {
    return new NodeTask(
        NodeTask.SCHEMA_VERSION, UUID.randomUUID(), nodeId, 1, null, context, null, null);
  }

  private static ObjectNode asking(String value) {
    return JsonNodeFactory.instance.objectNode().put(FaultInjection.CONTEXT_KEY, value);
  }

  @Test
  void offByDefaultNothingHalts() {
    FaultInjection off = new FaultInjection(false);
    assertThat(off.haltRequested(task("boom", asking("halt:boom")))).isFalse();
  }

  @Test
  void onItHaltsOnlyTheNodeNamed() {
    FaultInjection on = new FaultInjection(true);
    assertThat(on.haltRequested(task("boom", asking("halt:boom")))).isTrue();
    assertThat(on.haltRequested(task("other", asking("halt:boom")))).isFalse();
    assertThat(on.haltRequested(task("boom", asking("slow:boom")))).isFalse();
    assertThat(on.haltRequested(task("boom", JsonNodeFactory.instance.objectNode()))).isFalse();
    assertThat(on.haltRequested(task("boom", null))).isFalse();
  }
}
