package io.logicgraph.worker.db.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.message.Json;
import io.logicgraph.model.message.NodeOutcome;
import io.logicgraph.model.message.NodeResult;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.message.Queues;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A broker that lost its queues (restarted without data) gets results.aggregation declared again:
 * the worker notices its topology connection closing and declares once more before new results.
 */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class TopologyRecoveryTest {
  @Test
  void resultsQueueIsDeclaredAgainAfterTheConnectionIsLost() throws Exception {
    try (TestBroker broker = new TestBroker()) {
      broker.deleteQueue(Queues.RESULTS_AGGREGATION);
      assertThat(broker.closeConnections("worker-db topology")).isEqualTo(1);

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> broker.queue(Queues.RESULTS_AGGREGATION).has("arguments"));

      ObjectNode config =
          Json.MAPPER.createObjectNode().put("database", "test_db").put("query", "SELECT 1 AS one");
      NodeTask task =
          TaskFlowTest.task("after", NodeType.POSTGRES, config, Json.MAPPER.createObjectNode());
      broker.publishTask(task);
      await().atMost(Duration.ofSeconds(15)).until(() -> broker.result(task.executionId()) != null);
      NodeResult result = broker.result(task.executionId());
      assertThat(result.outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    }
  }
}
