package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.TERMINAL;
import static io.logicgraph.fleet.FleetClient.assertCompleted;
import static io.logicgraph.fleet.FleetClient.assertRanAfter;
import static io.logicgraph.fleet.FleetClient.assertResults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** check → (stock on worker-db, advice on worker-ai) → decide: one execution, then 100 at once. */
@ExtendWith(FleetExtension.class)
class DiamondIT {
  private static final List<String> NODES = List.of("check", "stock", "advice", "decide");
  private static final Map<String, Integer> STOCK = Map.of("P-100", 42, "P-200", 5, "P-300", 0);

  private static String graphId;

  @BeforeAll
  static void submit(Fleet fleet) {
    graphId = new FleetClient(fleet).submit(FleetClient.graph("diamond.yaml"));
  }

  @Test
  void forkAndJoinOverThreePools(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String executionId = client.start(graphId, context("P-200", 4, "Grace"));

    JsonNode execution = client.awaitTerminal(executionId, Duration.ofSeconds(60));

    assertCompleted(execution, graphId, NODES);
    assertRanAfter(execution, "stock", "check");
    assertRanAfter(execution, "advice", "check");
    assertRanAfter(execution, "decide", "stock");
    assertRanAfter(execution, "decide", "advice");
    String advice = advice(client, "Grace", "P-200");
    assertResults(
        client.results(executionId),
        executionId,
        expected("P-200", 4, "Grace", advice),
        "advice",
        advice,
        NODES);
  }

  @Test
  void hundredConcurrentExecutionsAllCompleteWithTheirOwnContext(Fleet fleet) throws Exception {
    FleetClient client = new FleetClient(fleet);
    int count = 100;
    List<Map<String, Object>> contexts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      contexts.add(context(List.of("P-100", "P-200", "P-300").get(i % 3), 1 + i % 7, "c" + i));
    }

    List<String> ids = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> submitted = new ArrayList<>();
      for (Map<String, Object> context : contexts) {
        submitted.add(pool.submit(() -> client.start(graphId, context)));
      }
      for (Future<String> future : submitted) {
        ids.add(future.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(new HashSet<>(ids)).as("distinct execution ids").hasSize(count);

    Map<String, JsonNode> finished = new LinkedHashMap<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              for (String id : ids) {
                if (!finished.containsKey(id)) {
                  client
                      .poll(id)
                      .filter(execution -> TERMINAL.contains(execution.path("status").asText()))
                      .ifPresent(execution -> finished.put(id, execution));
                }
              }
              return finished.size() == count;
            });

    if (client.unavailableAnswers() > 0) {
      System.out.printf(
          "note: the gateway answered 503 to %d status polls%n", client.unavailableAnswers());
    }
    Set<Boolean> decisions = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String id = ids.get(i);
      Map<String, Object> context = contexts.get(i);
      assertCompleted(finished.get(id), graphId, NODES);
      String product = (String) context.get("product_id");
      String customer = (String) context.get("customer");
      int quantity = (Integer) context.get("quantity");
      String advice = advice(client, customer, product);
      assertResults(
          client.results(id),
          id,
          expected(product, quantity, customer, advice),
          "advice",
          advice,
          NODES);
      decisions.add(STOCK.get(product) >= quantity);
    }
    assertThat(decisions)
        .as("both outcomes of decide occur")
        .containsExactlyInAnyOrder(true, false);
  }

  private static Map<String, Object> context(String product, int quantity, String customer) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("product_id", product);
    context.put("quantity", quantity);
    context.put("customer", customer);
    return context;
  }

  private static String advice(FleetClient client, String customer, String product) {
    return client.llmAnswer(
        "gpt-4o-mini",
        "You are a concise shop assistant.",
        "Customer " + customer + " asks about product " + product + ".",
        0,
        40);
  }

  private static ObjectNode expected(String product, int quantity, String customer, String advice) {
    ObjectNode expected = FleetClient.JSON.createObjectNode();
    expected.put("product_id", product);
    expected.put("quantity", quantity);
    expected.put("customer", customer);
    expected.put("check_result", true);
    expected.putArray("stock_result").addObject().put("stock", STOCK.get(product));
    expected.put("stock_count", 1);
    expected.put("advice_content", advice);
    expected.put("decide_result", STOCK.get(product) >= quantity);
    return expected;
  }
}
