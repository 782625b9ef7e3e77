package io.logicgraph.gateway;

import io.logicgraph.model.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * RabbitMQ, Redis and PostgreSQL for the gateway's tests, from the fleet's one switch ({@code
 * TEST_INFRA}), with a RabbitMQ virtual host and a PostgreSQL database of the suite's own: the
 * suite starts from an empty schema and no other module's rows (or reconciler) ever meets its
 * executions.
 */
public class GatewayTestInfrastructure implements QuarkusTestResourceLifecycleManager {
  static final String VHOST = "api-gateway-test";
  static final String DATABASE = TestInfrastructure.namespaced("api_gateway_test", '_');

  @Override
  public Map<String, String> start() {
    Map<String, String> properties =
        new HashMap<>(TestInfrastructure.isolated(VHOST).quarkusProperties());
    String jdbcUrl = properties.get("quarkus.datasource.jdbc.url");
    String user = properties.get("quarkus.datasource.username");
    String password = properties.get("quarkus.datasource.password");
    createDatabase(jdbcUrl, user, password);
    properties.put("quarkus.datasource.jdbc.url", withDatabase(jdbcUrl));
    properties.put(
        "quarkus.datasource.reactive.url",
        withDatabase(properties.get("quarkus.datasource.reactive.url")));
    properties.put("quarkus.flyway.clean-at-start", "true");
    properties.putAll(TestTokens.verifierProperties());
    return properties;
  }

  @Override
  public void stop() {}

  private static String withDatabase(String url) {
    return url.replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
  }

  private static void createDatabase(String jdbcUrl, String user, String password) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet found = exists.executeQuery()) {
        if (found.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) { // created concurrently: fine
        throw new IllegalStateException("cannot create the test database " + DATABASE, e);
      }
    }
  }
}
