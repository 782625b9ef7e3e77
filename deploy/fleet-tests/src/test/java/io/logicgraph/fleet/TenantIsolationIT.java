package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenancy beyond the gateway: a SubgraphNode finds graphs of its own execution's tenant only, a
 * child execution belongs to its parent's tenant, and the result cache is never shared between
 * tenants (same graph, same input).
 */
@ExtendWith(FleetExtension.class)
class TenantIsolationIT {

  @Test
  void aSubgraphNodeResolvesGraphsOfItsOwnTenantOnly(Fleet fleet) {
    String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
    FleetClient mine = new FleetClient(fleet);
    FleetClient theirs = new FleetClient(fleet, fleet.createApiKey(other));
    String theirChild = theirs.submit(FleetClient.graph("subgraph-child.yaml"));

    // my parent names their child: to my execution that graph does not exist
    String parent =
        mine.submit(
            FleetClient.graph("subgraph-parent.yaml")
                .replace("CHILD_GRAPH_ID", theirChild)
                .replace("fleet-order-with-subgraph", "fleet-order-with-another-tenants-child"));
    JsonNode execution = mine.run(parent, Map.of("product_id", "P-100", "tier", "gold"));
    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/status").asText()).isEqualTo("failed");
    assertThat(execution.at("/nodes/discount/error/code").asText()).isEqualTo("E004");
    assertThat(
            fleet
                .database("state")
                .rows("SELECT id FROM graph_executions WHERE graph_id = ?::uuid", theirChild))
        .as("executions of the other tenant's graph")
        .isEmpty();

    // their own parent runs their child, and the child execution is theirs
    String theirParent =
        theirs.submit(
            FleetClient.graph("subgraph-parent.yaml").replace("CHILD_GRAPH_ID", theirChild));
    JsonNode theirRun = theirs.run(theirParent, Map.of("product_id", "P-100", "tier", "gold"));
    assertThat(theirRun.path("status").asText()).as("%s", theirRun).isEqualTo("completed");
    assertThat(
            fleet
                .database("state")
                .rows(
                    "SELECT tenant_id FROM graph_executions WHERE graph_id = ?::uuid", theirChild))
        .extracting(row -> row.get("tenant_id"))
        .containsExactly(other);
    // and I cannot see it
    Response hidden = fleet.api().when().get("/graphs/{id}/executions", theirChild);
    assertThat(hidden.statusCode()).isEqualTo(404);
  }

  @Test
  void theResultCacheIsNeverSharedBetweenTenants(Fleet fleet) {
    FleetDatabase shop = fleet.database(Fleet.SHOP_DB);
    shop.execute(
        "CREATE TABLE IF NOT EXISTS cache_prices (id text PRIMARY KEY, price numeric(10, 2))",
        "DELETE FROM cache_prices WHERE id = 'T-1'",
        "INSERT INTO cache_prices VALUES ('T-1', 10.00)");
    FleetClient mine = new FleetClient(fleet);
    FleetClient theirs =
        new FleetClient(
            fleet, fleet.createApiKey("cache-" + UUID.randomUUID().toString().substring(0, 8)));
    String graph = FleetClient.graph("result-cache.yaml");
    String myGraph = mine.submit(graph);
    String theirGraph = theirs.submit(graph);
    Map<String, Object> input = Map.of("product_id", "T-1", "quantity", 1);

    String first = completed(mine, myGraph, input);
    assertThat(outcomes(mine, first)).isEqualTo("succeeded");
    shop.execute("UPDATE cache_prices SET price = 20.00 WHERE id = 'T-1'");

    // the same node and input in another tenant: a miss, run against the table
    String theirsFirst = completed(theirs, theirGraph, input);
    assertThat(outcomes(theirs, theirsFirst)).isEqualTo("succeeded");
    assertThat(theirs.results(theirsFirst).at("/context/price_result/0/price").asDouble())
        .isEqualTo(20.0);

    // while my tenant still gets its cached result
    String second = completed(mine, myGraph, input);
    assertThat(outcomes(mine, second)).isEqualTo("cached");
    assertThat(mine.results(second).at("/context/price_result/0/price").asDouble()).isEqualTo(10.0);
  }

  private static String completed(FleetClient client, String graphId, Map<String, Object> input) {
    JsonNode execution = client.run(graphId, input);
    assertThat(execution.path("status").asText()).as("%s", execution).isEqualTo("completed");
    return execution.path("id").asText();
  }

  private static String outcomes(FleetClient client, String executionId) {
    return String.valueOf(client.attempts(executionId, "price").get(0).get("outcome"));
  }
}
