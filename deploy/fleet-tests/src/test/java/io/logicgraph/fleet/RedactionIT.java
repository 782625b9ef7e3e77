package io.logicgraph.fleet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.testing.TestInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets never leak: the fleet runs with canary secrets (worker-ai's OpenAI and Anthropic keys,
 * the bootstrap API key, the admin token, an API key made through the admin endpoint, a datasource
 * password), executions succeed and fail on every path that could carry one (providers answering
 * 401 with the key quoted, an SQL error, a datasource refusing the password, a poison task
 * dead-lettered, requests with wrong credentials, a graph trying to name a key or an endpoint);
 * then every service log, every /metrics body, every answer the tests got, a dump of the state
 * database and every dead-lettered message is searched for each canary: zero occurrences. On the
 * way, an SQL injection string given as a parameter comes back literally (parameters are bound).
 */
@ExtendWith(FleetExtension.class)
class RedactionIT {
  private static final String INJECTION = "x'; DROP TABLE products; --";
  private static final String DB_PASSWORD = Fleet.canary("pw-lgf-canary-");

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> answers = new LinkedHashMap<>();

  @Test
  void noSecretReachesLogsMetricsAnswersStateOrDeadLetters(Fleet fleet) throws Exception {
    FleetClient client = new FleetClient(fleet);
    String madeKey = makeApiKey(fleet);
    Map<String, String> canaries = new LinkedHashMap<>();
    canaries.put("OpenAI API key", Fleet.OPENAI_KEY);
    canaries.put("Anthropic API key", Fleet.ANTHROPIC_KEY);
    canaries.put("bootstrap API key", Fleet.API_KEY);
    canaries.put("admin token", Fleet.ADMIN_TOKEN);
    canaries.put("API key made by the admin endpoint", madeKey);
    canaries.put("datasource password", DB_PASSWORD);
    String token = FleetJwt.token(Fleet.TENANT, Duration.ofMinutes(10));
    canaries.put("JWT bearer token", token);
    // the signature alone is secret enough: a log that cut the token would still show it
    canaries.put("JWT signature", token.substring(token.lastIndexOf('.') + 1));
    // the canaries are really in the processes whose output is searched
    assertThat(environment(fleet, Service.WORKER_AI))
        .contains(Fleet.OPENAI_KEY, Fleet.ANTHROPIC_KEY);
    assertThat(environment(fleet, Service.API_GATEWAY)).contains(Fleet.API_KEY, Fleet.ADMIN_TOKEN);

    // succeeding paths, with the made key; an injection string as an SQL parameter stays literal
    String ok = submit(fleet, madeKey, FleetClient.graph("redaction-ok.yaml"));
    JsonNode run = runWith(fleet, madeKey, ok, Map.of("probe", INJECTION));
    assertThat(run.path("status").asText()).as("%s", run).isEqualTo("completed");
    JsonNode results = keep("results ok", client.results(run.path("id").asText()));
    assertThat(results.at("/context/echo_result/0/v").asText()).isEqualTo(INJECTION);
    assertThat(results.at("/context/echo_result/0/n").asInt()).isEqualTo(INJECTION.length());
    assertThat(fleet.database(Fleet.SHOP_DB).rows("SELECT count(*) AS n FROM products"))
        .as("the table an injection would drop")
        .isNotEmpty();

    // the JWT is accepted (and used for a failing execution below)
    keepStatus(
        "graphs listed with the JWT",
        fleet.anonymousApi().header("Authorization", "Bearer " + token).get("/graphs"),
        200);
    keepStatus(
        "execution started with the JWT",
        fleet
            .anonymousApi()
            .header("Authorization", "Bearer " + token)
            .contentType(ContentType.JSON)
            .body("{\"context\": {\"probe\": \"jwt\"}}")
            .post("/graphs/{id}/execute", ok),
        202);
    keepStatus(
        "tampered JWT",
        fleet
            .anonymousApi()
            .header("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA")
            .get("/graphs"),
        401);

    // failing paths: worker-db restarted with a datasource whose password is a (wrong) canary
    fleet.stop(Service.WORKER_DB);
    try {
      fleet.startLive(
          Service.WORKER_DB, Map.of("DATASOURCE_CANARY_DB_URL", canaryDatasource(fleet)));
      String failing = client.submit(FleetClient.graph("redaction-failures.yaml"));
      JsonNode failed = client.run(failing, Map.of("probe", "P-100"));
      keep("execution failures", failed);
      for (String node : List.of("openai_401", "claude_401", "bad_sql", "wrong_password")) {
        assertThat(failed.at("/nodes/" + node + "/status").asText())
            .as("%s in %s", node, failed)
            .isEqualTo("failed");
        assertThat(failed.at("/nodes/" + node + "/error/message").asText()).isNotBlank();
      }
      keep("results failures", client.results(failed.path("id").asText()));
    } finally {
      fleet.restart(Service.WORKER_DB);
    }

    // a poison task: unreadable, rejected by worker-db, dead-lettered. The orchestrator consumes
    // the dead-letter queues (and parks what it cannot read in lgf.parked), so it is stopped while
    // the message is read from the DLQ as an operator would find it.
    String deadLettered;
    fleet.stop(Service.ORCHESTRATOR);
    try {
      try (FaultBroker broker = new FaultBroker(fleet)) {
        broker.publish("node.db.tasks", "{\"poison\": true, \"attempt\": \"not a number\"}");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !deadLetters(fleet).isEmpty());
      deadLettered = String.join("\n", deadLetters(fleet));
    } finally {
      fleet.start(Service.ORCHESTRATOR);
    }

    // wrong credentials and a graph that tries to carry a key: refused, nothing echoed
    keepStatus(
        "wrong API key",
        fleet.anonymousApi().header(Fleet.API_KEY_HEADER, Fleet.API_KEY + "x").get("/graphs"),
        401);
    keepStatus(
        "provider key as bearer token",
        fleet.anonymousApi().header("Authorization", "Bearer " + Fleet.OPENAI_KEY).get("/graphs"),
        401);
    keepStatus(
        "wrong admin token",
        given()
            .baseUri(fleet.managementUri(Service.API_GATEWAY))
            .header("Authorization", "Bearer " + Fleet.ADMIN_TOKEN + "x")
            .get("/admin/api-keys"),
        401);
    keepStatus(
        "graph naming a key and an endpoint",
        fleet
            .api()
            .contentType("application/yaml")
            .body(
                "name: smuggler\nnodes:\n  ask:\n    node_type: OpenAINode\n    prompt: hi\n"
                    + "    api_key: "
                    + Fleet.OPENAI_KEY
                    + "\n    base_url: http://"
                    + Fleet.ANTHROPIC_KEY
                    + ".example/v1\n")
            .post("/graphs"),
        400);

    Map<String, String> sources = new LinkedHashMap<>();
    for (Service service : Service.values()) {
      sources.put("log of " + service.module(), Files.readString(fleet.log(service)));
      sources.put(
          "/metrics of " + service.module(), get(fleet.managementUri(service) + "/metrics"));
    }
    answers.forEach((what, body) -> sources.put("answer: " + what, body));
    sources.put("state database", dump(fleet));
    sources.put("dead-lettered messages", deadLettered);
    sources.put("Redis (events, hot state)", fleet.redisDump());

    List<String> leaks = leaks(canaries, sources);
    assertThat(leaks).as("canary secrets found").isEmpty();
    assertThat(sources.get("dead-lettered messages")).contains("poison");
    assertThat(sources.get("Redis (events, hot state)")).contains("node_failed");
  }

  /** Each occurrence of a canary in a source, with some text around it (the canary masked). */
  private static List<String> leaks(Map<String, String> canaries, Map<String, String> sources) {
    List<String> leaks = new ArrayList<>();
    canaries.forEach(
        (name, canary) ->
            sources.forEach(
                (source, text) -> {
                  for (int at = text.indexOf(canary); at >= 0; at = text.indexOf(canary, at + 1)) {
                    String around =
                        text.substring(
                                Math.max(0, at - 120),
                                Math.min(text.length(), at + canary.length() + 40))
                            .replace(canary, "<" + name + ">");
                    leaks.add(name + " in " + source + ": ..." + around + "...");
                  }
                }));
    return leaks;
  }

  /** An API key made through the admin endpoint: shown once in the answer, a secret afterwards. */
  private String makeApiKey(Fleet fleet) {
    Response made =
        given()
            .baseUri(fleet.managementUri(Service.API_GATEWAY))
            .header("Authorization", "Bearer " + Fleet.ADMIN_TOKEN)
            .contentType(ContentType.JSON)
            .body("{\"tenant\": \"" + Fleet.TENANT + "\", \"name\": \"redaction\"}")
            .post("/admin/api-keys");
    assertThat(made.statusCode()).as(made.asString()).isEqualTo(201);
    String key = made.path("key");
    // the one answer allowed to show it: proof that the search finds what it looks for
    assertThat(leaks(Map.of("made key", key), Map.of("creation answer", made.asString())))
        .hasSize(1);
    return key;
  }

  private String submit(Fleet fleet, String key, String yaml) {
    Response created =
        fleet
            .anonymousApi()
            .header(Fleet.API_KEY_HEADER, key)
            .contentType("application/yaml")
            .body(yaml)
            .post("/graphs");
    assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
    return created.path("id");
  }

  /** Runs the graph with the key and waits for the end. */
  private JsonNode runWith(Fleet fleet, String key, String graphId, Map<String, ?> context) {
    Response response =
        fleet
            .anonymousApi()
            .header(Fleet.API_KEY_HEADER, key)
            .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
            .contentType(ContentType.JSON)
            .body(FleetClient.text(Map.of("context", context)))
            .queryParam("wait", 30_000)
            .post("/graphs/{id}/execute", graphId);
    answers.put("execute", response.asString());
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    return keep("execution ok", FleetClient.json(response.asString()));
  }

  private JsonNode keep(String what, JsonNode answer) {
    answers.put(what, answer.toString());
    return answer;
  }

  private void keepStatus(String what, Response response, int status) {
    answers.put(what, response.asString());
    assertThat(response.statusCode()).as("%s: %s", what, response.asString()).isEqualTo(status);
  }

  /** The shop database, through a URL whose password is a canary (and wrong). */
  private static String canaryDatasource(Fleet fleet) {
    URI postgres = URI.create(TestInfrastructure.endpoints().postgresUrl());
    String user = postgres.getUserInfo().split(":", 2)[0];
    return "postgresql://"
        + user
        + ":"
        + DB_PASSWORD
        + "@"
        + postgres.getHost()
        + ":"
        + (postgres.getPort() > 0 ? postgres.getPort() : 5432)
        + "/"
        + fleet.database(Fleet.SHOP_DB).name();
  }

  /** Every row of every table of the state database, as JSON text. */
  private static String dump(Fleet fleet) {
    FleetDatabase state = fleet.database("state");
    StringBuilder dump = new StringBuilder();
    for (Map<String, Object> table :
        state.rows(
            "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
      String name = (String) table.get("table_name");
      dump.append("== ").append(name).append('\n');
      for (Map<String, Object> row :
          state.rows("SELECT row_to_json(t)::text AS r FROM \"" + name + "\" t")) {
        dump.append(row.get("r")).append('\n');
      }
    }
    assertThat(dump).as("the dump holds executions").contains("fleet-redaction-failures");
    return dump.toString();
  }

  /** The payloads of every message in the fleet's dead-letter queues (left in place). */
  private List<String> deadLetters(Fleet fleet) {
    String vhost = URLEncoder.encode(fleet.name(), StandardCharsets.UTF_8);
    List<String> payloads = new ArrayList<>();
    for (JsonNode queue :
        FleetClient.json(management(fleet, "GET", "/api/queues/" + vhost, null))) {
      String name = queue.path("name").asText();
      if (!name.endsWith(".dlq") || queue.path("messages").asInt(0) == 0) {
        continue;
      }
      String got =
          management(
              fleet,
              "POST",
              "/api/queues/"
                  + vhost
                  + "/"
                  + URLEncoder.encode(name, StandardCharsets.UTF_8)
                  + "/get",
              "{\"count\": 1000, \"ackmode\": \"ack_requeue_true\", \"encoding\": \"auto\"}");
      for (JsonNode message : FleetClient.json(got)) {
        payloads.add(name + ": " + message.path("payload").asText());
      }
    }
    return payloads;
  }

  private String management(Fleet fleet, String method, String path, String body) {
    String auth =
        Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(fleet.rabbitmqManagementUrl() + path))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return send(request.build());
  }

  private String get(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build());
  }

  private String send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("%s", request.uri()).isBetween(200, 299);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The environment a service process was started with (Linux /proc). */
  private static String environment(Fleet fleet, Service service) throws IOException {
    return new String(
            Files.readAllBytes(Path.of("/proc", String.valueOf(fleet.pid(service)), "environ")),
            StandardCharsets.UTF_8)
        .replace('\0', '\n');
  }
}
