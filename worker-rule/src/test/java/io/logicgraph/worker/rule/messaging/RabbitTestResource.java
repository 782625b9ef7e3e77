package io.logicgraph.worker.rule.messaging;

import io.logicgraph.model.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** RabbitMQ on a virtual host of this module's own; the worker needs no other service. */
public class RabbitTestResource implements QuarkusTestResourceLifecycleManager {
  static final String VHOST = "worker-rule-test";

  @Override
  public Map<String, String> start() {
    Map<String, String> properties = new HashMap<>();
    isolated()
        .quarkusProperties()
        .forEach(
            (key, value) -> {
              if (key.startsWith("rabbitmq-")) {
                properties.put(key, value);
              }
            });
    return properties;
  }

  private static TestInfrastructure.Endpoints isolated() {
    try {
      return TestInfrastructure.isolated(VHOST);
    } catch (UncheckedIOException e) {
      // TestInfrastructure's HTTP client attempts an h2c upgrade that the RabbitMQ management
      // server answers with EOF; create the virtual host over HTTP/1.1 instead.
      TestInfrastructure.Endpoints base = TestInfrastructure.endpoints();
      createVhost(base.rabbitmqManagementUrl());
      return new TestInfrastructure.Endpoints(
          base.postgresUrl(),
          base.redisUrl(),
          base.rabbitmqUrl().replaceAll("/[^/:@]*$", "").replaceAll("/$", "") + "/" + VHOST,
          base.rabbitmqManagementUrl());
    }
  }

  private static void createVhost(String managementUrl) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    String name = URLEncoder.encode(VHOST, StandardCharsets.UTF_8);
    try {
      for (String[] call :
          new String[][] {
            {"/api/vhosts/" + name, "{}"},
            {
              "/api/permissions/" + name + "/guest",
              "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"
            }
          }) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(managementUrl + call[0]))
                    .header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(call[1]))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
          throw new IllegalStateException("RabbitMQ management answered " + response.statusCode());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create virtual host " + VHOST, e);
    }
  }

  @Override
  public void stop() {}
}
