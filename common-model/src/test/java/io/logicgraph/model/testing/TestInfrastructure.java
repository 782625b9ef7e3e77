package io.logicgraph.model.testing;

import io.logicgraph.model.config.ServiceUrlConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The one switch between test infrastructures: {@code TEST_INFRA=local} uses RabbitMQ, Redis and
 * PostgreSQL already running on loopback (started by the test command), {@code containers} starts
 * them with Testcontainers, {@code auto} (the default) picks containers only where a Docker engine
 * answers. Containers are started once per JVM and shared.
 */
public final class TestInfrastructure {
  /** Connection URLs in the form the services read from the environment. */
  public record Endpoints(
      String postgresUrl, String redisUrl, String rabbitmqUrl, String rabbitmqManagementUrl) {
    /** The same endpoints as framework properties (datasource, redis, rabbitmq). */
    public Map<String, String> quarkusProperties() {
      Map<String, String> env = new HashMap<>();
      env.put("POSTGRES_URL", postgresUrl);
      env.put("REDIS_URL", redisUrl);
      env.put("RABBITMQ_URL", rabbitmqUrl);
      return ServiceUrlConfigSource.translate(env::get);
    }

    /**
     * The same endpoints with PostgreSQL pointing at a database of its own (created when missing),
     * so that one suite's executions are never seen by another suite's services. Needs the
     * PostgreSQL JDBC driver on the caller's test class path.
     */
    public Endpoints withDatabase(String database) {
      database = namespaced(database, '_');
      if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("database name must match [a-z][a-z0-9_]*: " + database);
      }
      URI uri = URI.create(postgresUrl);
      String user = uri.getUserInfo().split(":", 2)[0];
      String password = uri.getUserInfo().split(":", 2)[1];
      String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
      try (java.sql.Connection connection =
              java.sql.DriverManager.getConnection(jdbc, user, password);
          java.sql.Statement statement = connection.createStatement()) {
        java.sql.ResultSet exists =
            statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
        if (!exists.next()) {
          statement.execute("CREATE DATABASE " + database);
        }
      } catch (java.sql.SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // created concurrently by another suite
          throw new IllegalStateException("cannot create test database " + database, e);
        }
      }
      String url = postgresUrl.substring(0, postgresUrl.lastIndexOf('/') + 1) + database;
      return new Endpoints(url, redisUrl, rabbitmqUrl, rabbitmqManagementUrl);
    }

    /** The same endpoints as environment variables, for services started as processes. */
    public Map<String, String> environment() {
      return Map.of(
          "POSTGRES_URL", postgresUrl, "REDIS_URL", redisUrl, "RABBITMQ_URL", rabbitmqUrl);
    }
  }

  private static Endpoints endpoints;

  /**
   * The endpoints with RabbitMQ on a virtual host of its own (created if missing), so that tests of
   * one module never consume another's messages.
   */
  public static Endpoints isolated(String vhost) {
    return isolatedExactly(namespaced(vhost, '-'));
  }

  /** {@link #isolated} on exactly this virtual host, whatever {@code TEST_NAMESPACE} says. */
  public static Endpoints isolatedExactly(String vhost) {
    Endpoints base = endpoints();
    createVhost(base.rabbitmqManagementUrl(), vhost);
    String url = base.rabbitmqUrl().replaceAll("/[^/:@]*$", "");
    if (url.matches("amqp://[^/]*")) {
      url = base.rabbitmqUrl();
    }
    return new Endpoints(
        base.postgresUrl(),
        base.redisUrl(),
        url + "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8),
        base.rabbitmqManagementUrl());
  }

  private static void createVhost(String managementUrl, String vhost) {
    String name = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    try {
      for (var request :
          new HttpRequest[] {
            HttpRequest.newBuilder(URI.create(managementUrl + "/api/vhosts/" + name))
                .header("Authorization", auth)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpRequest.newBuilder(
                    URI.create(managementUrl + "/api/permissions/" + name + "/guest"))
                .header("Authorization", auth)
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"))
                .build()
          }) {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
          throw new IllegalStateException(
              "RabbitMQ management answered " + response.statusCode() + ": " + response.body());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach RabbitMQ management at " + managementUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private TestInfrastructure() {}

  public static synchronized Endpoints endpoints() {
    if (endpoints == null) {
      endpoints = useContainers() ? startContainers() : local();
    }
    return endpoints;
  }

  static boolean useContainers() {
    String mode = setting("TEST_INFRA", "auto").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "local" -> false;
      case "containers" -> true;
      case "auto" -> dockerAvailable();
      default ->
          throw new IllegalStateException(
              "TEST_INFRA must be local, containers or auto, not '" + mode + "'");
    };
  }

  private static boolean dockerAvailable() {
    boolean hinted =
        System.getenv("DOCKER_HOST") != null
            || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"));
    if (!hinted) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | ServiceConfigurationError e) {
      return false;
    }
  }

  private static Endpoints local() {
    return new Endpoints(
        setting("POSTGRES_URL", "postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph"),
        setting("REDIS_URL", "redis://127.0.0.1:6379"),
        setting("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672"),
        setting("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672"));
  }

  @SuppressWarnings("resource") // shared for the whole JVM, stopped by Testcontainers' reaper
  private static Endpoints startContainers() {
    PostgreSQLContainer postgres =
        new PostgreSQLContainer("postgres:15")
            .withDatabaseName("logic_graph")
            .withUsername("logic_graph")
            .withPassword("logic_graph");
    RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.13-management");
    GenericContainer<?> redis = new GenericContainer<>("redis:7").withExposedPorts(6379);
    postgres.start();
    rabbit.start();
    redis.start();
    return new Endpoints(
        "postgresql://logic_graph:logic_graph@"
            + postgres.getHost()
            + ":"
            + postgres.getMappedPort(5432)
            + "/logic_graph",
        "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379),
        "amqp://guest:guest@" + rabbit.getHost() + ":" + rabbit.getAmqpPort(),
        rabbit.getHttpUrl());
  }

  /**
   * The name with the suffix of {@code TEST_NAMESPACE} (environment or system property) when set,
   * so that two checkouts can run the same module's tests at once on one set of services.
   */
  public static String namespaced(String name, char separator) {
    String namespace = setting("TEST_NAMESPACE", "");
    if (namespace.isEmpty()) {
      return name;
    }
    if (!namespace.matches("[a-z0-9]{1,16}")) {
      throw new IllegalArgumentException("TEST_NAMESPACE must match [a-z0-9]{1,16}: " + namespace);
    }
    return name + separator + namespace;
  }

  private static String setting(String name, String fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? fallback : value;
  }
}
