package io.logicgraph.orchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.Json;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
  private static final NodeDefinition PRICE = node();

  private static NodeDefinition node() {
    ValidationReport report =
        GraphLoader.load(
            """
            nodes:
              price:
                node_type: PostgresNode
                database: shop_db
                query: "SELECT price FROM prices WHERE id = $1"
                params: [product_id]
                cache: {ttl_s: 300}
            """,
            GraphFormat.YAML,
            GraphLimits.DEFAULTS);
    assertThat(report.errors()).isEmpty();
    return report.graph().node("price");
  }

  private static ObjectNode context(String productId, String unrelated) {
    return Json.MAPPER.createObjectNode().put("product_id", productId).put("note", unrelated);
  }

  @Test
  void theSameNodeAndInputsOfOneTenantShareAKey() {
    assertThat(CacheKeys.key("acme", PRICE, context("P-1", "x")))
        .isEqualTo(CacheKeys.key("acme", PRICE, context("P-1", "an unrelated input")))
        .startsWith("lgf:cache:");
  }

  @Test
  void twoTenantsNeverShareACachedResult() {
    assertThat(CacheKeys.key("acme", PRICE, context("P-1", "x")))
        .isNotEqualTo(CacheKeys.key("globex", PRICE, context("P-1", "x")));
  }

  @Test
  void anotherInputTheNodeReadsIsAnotherKey() {
    assertThat(CacheKeys.key("acme", PRICE, context("P-1", "x")))
        .isNotEqualTo(CacheKeys.key("acme", PRICE, context("P-2", "x")));
  }
}
