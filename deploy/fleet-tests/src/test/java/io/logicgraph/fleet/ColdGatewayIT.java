package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A freshly started gateway takes a burst of concurrent executes: 50 requests at once on 25
 * Idempotency-Keys (each key twice), with an API key it has not cached yet. Every answer is 2xx,
 * both requests of a key name the same execution, each key has exactly one execution row, and the
 * gateway logs no misuse of a database session. The gateway runs with a 1 s operation timeout: the
 * bound is on each statement PostgreSQL runs, not on the time a request waits its turn for a pooled
 * connection, a key held by a concurrent request or a CPU. A statement that does exceed it (a key
 * locked by a transaction that stays open) answers 503, stores nothing and leaves the key usable.
 */
@ExtendWith(FleetExtension.class)
class ColdGatewayIT {
  private static final int KEYS = 25;
  private static final String REPLICA = "api-gateway-cold";

  @Test
  void concurrentExecutesOnAFreshGatewayAllSucceedOncePerKey(Fleet fleet) throws Exception {
    String apiKey = fleet.createApiKey(Fleet.TENANT);
    String graphId = new FleetClient(fleet, apiKey).submit(FleetClient.graph("idempotent.yaml"));
    // a second gateway, fresh: nothing cached, no pooled connection yet
    fleet.startReplica(
        Service.API_GATEWAY, REPLICA, Map.of("GATEWAY_DATABASE_OPERATION_TIMEOUT", "PT1S"));
    try {
      String base = fleet.replicaBaseUri(REPLICA);
      burst(fleet, base, apiKey, graphId);
      statementOverTheTimeout(fleet, base, apiKey, graphId);
      assertThat(Files.readString(fleet.replicaLog(REPLICA)))
          .as("log of the fresh gateway")
          .doesNotContain("non-threadsafe")
          .doesNotContain("HR000090")
          .doesNotContain("Session/EntityManager is closed");
    } finally {
      fleet.killReplica(REPLICA);
    }
  }

  private static void burst(Fleet fleet, String base, String apiKey, String graphId)
      throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add("cold-" + i + "-" + UUID.randomUUID());
    }
    List<String> requestKeys = new ArrayList<>(keys);
    requestKeys.addAll(keys);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    ExecutorService threads = Executors.newFixedThreadPool(requestKeys.size());
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (String key : requestKeys) {
        HttpRequest request = execute(base, apiKey, graphId, key);
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                    return http.send(request, HttpResponse.BodyHandlers.ofString());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads));
      }
      go.countDown();
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
    } finally {
      threads.shutdownNow();
    }

    Map<String, String> executionOfKey = new HashMap<>();
    for (int i = 0; i < requestKeys.size(); i++) {
      HttpResponse<String> answer = answers.get(i).join();
      assertThat(answer.statusCode())
          .as("request %d (key %s): %s", i, requestKeys.get(i), answer.body())
          .isBetween(200, 299);
      JsonNode body = FleetClient.json(answer.body());
      String executionId = body.path("execution_id").asText();
      assertThat(executionId).as("%s", body).matches("[0-9a-f-]{36}");
      String earlier = executionOfKey.putIfAbsent(requestKeys.get(i), executionId);
      if (earlier != null) {
        assertThat(executionId)
            .as("both requests of key %s", requestKeys.get(i))
            .isEqualTo(earlier);
      }
    }
    assertThat(executionOfKey.values()).hasSize(KEYS).doesNotHaveDuplicates();

    Map<String, Long> perKey = rowsPerKey(fleet, graphId);
    for (String key : keys) {
      assertThat(perKey.get(key)).as("execution rows of key %s", key).isEqualTo(1L);
      assertThat(
              fleet
                  .database("state")
                  .rows(
                      "SELECT id FROM graph_executions WHERE id = ?::uuid",
                      executionOfKey.get(key)))
          .as("the row of the execution answered for key %s", key)
          .hasSize(1);
    }
  }

  private static void statementOverTheTimeout(
      Fleet fleet, String base, String apiKey, String graphId) throws Exception {
    String key = "held-" + UUID.randomUUID();
    String holder =
        fleet
            .database("state")
            .rows("SELECT id::text AS id FROM graph_executions WHERE graph_id = ?::uuid", graphId)
            .get(0)
            .get("id")
            .toString();
    HttpClient http = HttpClient.newHttpClient();
    try (Connection connection = fleet.database("state").open()) {
      connection.setAutoCommit(false);
      try (PreparedStatement hold =
          connection.prepareStatement(
              "INSERT INTO execution_idempotency_keys"
                  + " (tenant_id, graph_id, idempotency_key, execution_id, created_at)"
                  + " VALUES (?, ?::uuid, ?, ?::uuid, now())")) {
        hold.setString(1, Fleet.TENANT);
        hold.setString(2, graphId);
        hold.setString(3, key);
        hold.setString(4, holder);
        hold.executeUpdate();
      }
      // the key's claim waits for this open transaction until PostgreSQL cancels it
      HttpResponse<String> refused =
          http.send(execute(base, apiKey, graphId, key), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(FleetClient.json(refused.body()).path("code").asText()).isEqualTo("E002");
      connection.rollback();
    }
    assertThat(rowsPerKey(fleet, graphId))
        .as("nothing stored for the refused key")
        .doesNotContainKey(key);

    HttpResponse<String> accepted =
        http.send(execute(base, apiKey, graphId, key), HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(rowsPerKey(fleet, graphId).get(key)).as("rows of the key once free").isEqualTo(1L);
  }

  private static HttpRequest execute(String base, String apiKey, String graphId, String key) {
    return HttpRequest.newBuilder(URI.create(base + "/api/v1/graphs/" + graphId + "/execute"))
        .timeout(Duration.ofSeconds(60))
        .header(Fleet.API_KEY_HEADER, apiKey)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"context\": {\"quantity\": 3}}"))
        .build();
  }

  private static Map<String, Long> rowsPerKey(Fleet fleet, String graphId) {
    Map<String, Long> perKey = new HashMap<>();
    fleet
        .database("state")
        .rows(
            "SELECT idempotency_key, count(*) AS n FROM graph_executions"
                + " WHERE graph_id = ?::uuid AND idempotency_key IS NOT NULL"
                + " GROUP BY idempotency_key",
            graphId)
        .forEach(
            row ->
                perKey.put(
                    (String) row.get("idempotency_key"), ((Number) row.get("n")).longValue()));
    return perKey;
  }
}
