package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Result cache ({@code cache: {ttl_s}}): the second run of a node with the same definition and the
 * same read inputs is served from the cache (attempt outcome {@code cached}, no worker involved,
 * even though the table changed meanwhile); an input the node does not read does not matter; a
 * changed read input is a miss. Counted by cache_hits_total / cache_misses_total.
 */
@ExtendWith(FleetExtension.class)
class ResultCacheIT {
  private static final Map<String, String> POSTGRES = Map.of("node_type", "PostgresNode");

  @Test
  void aSecondRunIsServedFromTheCacheAndAChangedInputIsAMiss(Fleet fleet) {
    FleetDatabase shop = fleet.database(Fleet.SHOP_DB);
    shop.execute(
        "CREATE TABLE IF NOT EXISTS cache_prices (id text PRIMARY KEY, price numeric(10, 2))",
        "DELETE FROM cache_prices",
        "INSERT INTO cache_prices VALUES ('C-1', 12.50), ('C-2', 4.00)");
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("result-cache.yaml"));
    Prometheus before = Prometheus.scrape(fleet, Service.ORCHESTRATOR);
    double executedBefore =
        Prometheus.scrape(fleet, Service.WORKER_DB).sum("graph_nodes_executed_total", POSTGRES);

    // 1: a miss, run by worker-db
    String first = run(client, graphId, Map.of("product_id", "C-1", "quantity", 10));
    assertPrice(client, first, 12.5, true);
    assertThat(client.attempts(first, "price"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("succeeded");

    // The table changes: only a cache hit still answers 12.5.
    shop.execute("UPDATE cache_prices SET price = 99.00 WHERE id = 'C-1'");

    // 2: same read input -> a hit
    String second = run(client, graphId, Map.of("product_id", "C-1", "quantity", 10));
    assertPrice(client, second, 12.5, true);
    assertThat(client.attempts(second, "price"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("cached");

    List<EventStream.Event> events = EventStream.replay(fleet, second);
    assertThat(EventStream.of(events, "node_cached", "price")).as("%s", events).hasSize(1);
    assertThat(EventStream.of(events, "node_queued", "price")).as("%s", events).isEmpty();
    assertThat(EventStream.of(events, "node_completed", "total")).as("%s", events).hasSize(1);

    // 3: only an input price does not read changed -> still a hit (total is not cached)
    String third = run(client, graphId, Map.of("product_id", "C-1", "quantity", 1));
    assertPrice(client, third, 12.5, false);
    assertThat(client.attempts(third, "price"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("cached");

    // 4: the input price reads changed -> a miss, run by worker-db
    String fourth = run(client, graphId, Map.of("product_id", "C-2", "quantity", 10));
    assertPrice(client, fourth, 4.0, false);
    assertThat(client.attempts(fourth, "price"))
        .extracting(a -> a.get("outcome"))
        .containsExactly("succeeded");

    Prometheus after = Prometheus.scrape(fleet, Service.ORCHESTRATOR);
    assertThat(after.sum("cache_hits_total", Map.of()) - before.sum("cache_hits_total", Map.of()))
        .as("cache_hits_total increase")
        .isEqualTo(2.0);
    assertThat(
            after.sum("cache_misses_total", Map.of()) - before.sum("cache_misses_total", Map.of()))
        .as("cache_misses_total increase")
        .isEqualTo(2.0);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        Prometheus.scrape(fleet, Service.WORKER_DB)
                                .sum("graph_nodes_executed_total", POSTGRES)
                            - executedBefore)
                    .as("PostgresNode attempts worker-db ran (runs 1 and 4 only)")
                    .isEqualTo(2.0));
    // cache_size_bytes is sampled every 30 s by the orchestrator.
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        Prometheus.scrape(fleet, Service.ORCHESTRATOR)
                            .sum("cache_size_bytes", Map.of()))
                    .as("cache_size_bytes with two cached results")
                    .isPositive());
  }

  private static String run(FleetClient client, String graphId, Map<String, Object> context) {
    JsonNode execution = client.run(graphId, context);
    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    for (String node : List.of("price", "total")) {
      assertThat(execution.at("/nodes/" + node + "/status").asText())
          .as("%s: %s", node, execution)
          .isEqualTo("completed");
      assertThat(execution.at("/nodes/" + node + "/attempts").asInt()).isEqualTo(1);
    }
    return execution.path("id").asText();
  }

  private static void assertPrice(
      FleetClient client, String executionId, double price, boolean total) {
    JsonNode context = client.results(executionId).path("context");
    assertThat(context.path("price_result"))
        .as("price_result of %s", executionId)
        .isEqualTo(FleetClient.json("[{\"price\": " + price + "}]"));
    assertThat(context.path("total_result").asBoolean()).as("total_result").isEqualTo(total);
  }
}
