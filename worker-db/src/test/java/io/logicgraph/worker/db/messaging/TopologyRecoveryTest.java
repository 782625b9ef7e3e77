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
 * A broker that lost results.aggregation gets it declared again: after its connections were closed
 * (a broker restarted without its data) the worker declares on reconnect; with the connections
 * intact, the first result is unroutable, the worker hands the task back and declares again, and
 * the redelivered task's result arrives.
 */
@QuarkusTest
@QuarkusTestResource(DbTestResource.class)
class TopologyRecoveryTest {
  @Test
  void resultsQueueIsDeclaredAgainAfterTheConnectionIsLost() throws Exception {
    try (TestBroker broker = new TestBroker()) {
      broker.deleteQueue(Queues.RESULTS_AGGREGATION);
      // The management API lists a new connection only after its next statistics update.
      for (String connection : new String[] {"worker-db consume", "worker-db publish"}) {
        await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> broker.closeConnections(connection) == 1);
      }

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

  @Test
  void aResultThatFindsNoQueueMakesTheWorkerDeclareAgain() throws Exception {
    try (TestBroker broker = new TestBroker()) {
      broker.deleteQueue(Queues.RESULTS_AGGREGATION);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !broker.queue(Queues.RESULTS_AGGREGATION).has("arguments"));

      ObjectNode config =
          Json.MAPPER.createObjectNode().put("database", "test_db").put("query", "SELECT 2 AS two");
      NodeTask task =
          TaskFlowTest.task(
              "unroutable", NodeType.POSTGRES, config, Json.MAPPER.createObjectNode());
      broker.publishTask(task);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> broker.queue(Queues.RESULTS_AGGREGATION).has("arguments"));
      await().atMost(Duration.ofSeconds(20)).until(() -> broker.result(task.executionId()) != null);
      assertThat(broker.result(task.executionId()).outcome()).isEqualTo(NodeOutcome.SUCCEEDED);
    }
  }
}
