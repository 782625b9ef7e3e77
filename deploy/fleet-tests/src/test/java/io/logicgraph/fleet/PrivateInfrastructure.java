package io.logicgraph.fleet;

import static org.awaitility.Awaitility.await;

import io.logicgraph.model.testing.TestInfrastructure.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * RabbitMQ, Redis and PostgreSQL servers of their own, started on free ports for fault tests that
 * kill, flush, stop or restart infrastructure: the shared servers on the default ports are never
 * touched. Data lives under {@code target/faults/<name>/}; RabbitMQ runs as its own node ({@code
 * fault-<name>@localhost}, sharing epmd), PostgreSQL as its own cluster owned by the {@code
 * postgres} user. Needs the OS packages the CI installs (rabbitmq-server, redis-server, PostgreSQL
 * 15 under /usr/lib/postgresql/15/bin) and root (to run PostgreSQL as postgres).
 */
final class PrivateInfrastructure implements AutoCloseable {
  private static final String PG_BIN = "/usr/lib/postgresql/15/bin/";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path directory;
  private final int redisPort;
  private final int amqpPort;
  private final int managementPort;
  private final int distPort;
  private final int postgresPort;
  private final ManagedProcess redis;
  private final ManagedProcess rabbit;
  private final Path postgresData;

  private PrivateInfrastructure(String name) {
    this.directory = Path.of("target", "faults", name).toAbsolutePath();
    int[] ports = freePorts(5);
    this.redisPort = ports[0];
    this.amqpPort = ports[1];
    this.managementPort = ports[2];
    this.distPort = ports[3];
    this.postgresPort = ports[4];
    try {
      deleteRecursively(directory);
      Files.createDirectories(directory);
      Files.writeString(directory.resolve("enabled_plugins"), "[rabbitmq_management].\n");
      Files.writeString(
          directory.resolve("rabbitmq.conf"),
          "listeners.tcp.default = 127.0.0.1:"
              + amqpPort
              + "\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = "
              + managementPort
              + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.redis =
        new ManagedProcess(
            "private-redis",
            List.of(
                "redis-server",
                "--port",
                String.valueOf(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"),
            Map.of(),
            directory,
            directory.resolve("redis.log"));
    this.rabbit =
        new ManagedProcess(
            "private-rabbitmq",
            List.of("/usr/lib/rabbitmq/bin/rabbitmq-server"),
            Map.ofEntries(
                // The Erlang cookie rabbitmqctl uses as well (readable by root).
                Map.entry("HOME", "/var/lib/rabbitmq"),
                Map.entry("RABBITMQ_NODENAME", "fault-" + name + "@localhost"),
                Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
                Map.entry("RABBITMQ_NODE_PORT", String.valueOf(amqpPort)),
                Map.entry("RABBITMQ_DIST_PORT", String.valueOf(distPort)),
                Map.entry("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString()),
                Map.entry("RABBITMQ_LOG_BASE", directory.resolve("rabbitmq-logs").toString()),
                Map.entry("RABBITMQ_LOGS", "-"),
                Map.entry("RABBITMQ_PID_FILE", directory.resolve("rabbitmq.pid").toString()),
                Map.entry(
                    "RABBITMQ_ENABLED_PLUGINS_FILE",
                    directory.resolve("enabled_plugins").toString()),
                Map.entry("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString()),
                Map.entry(
                    "RABBITMQ_ADVANCED_CONFIG_FILE",
                    directory.resolve("advanced.config").toString())),
            directory,
            directory.resolve("rabbitmq.log"));
    this.postgresData = directory.resolve("pg");
  }

  /** Starts the three servers (about 10 s, most of it RabbitMQ) and waits until they answer. */
  static PrivateInfrastructure start(String name) {
    PrivateInfrastructure infra = new PrivateInfrastructure(name);
    try {
      long started = System.nanoTime();
      infra.initPostgres();
      infra.startPostgres();
      infra.startRedis();
      infra.startRabbit();
      System.out.printf(
          "private infrastructure %s up in %d ms (RabbitMQ :%d, Redis :%d, PostgreSQL :%d)%n",
          name,
          Duration.ofNanos(System.nanoTime() - started).toMillis(),
          infra.amqpPort,
          infra.redisPort,
          infra.postgresPort);
      return infra;
    } catch (RuntimeException | Error e) {
      infra.close();
      throw e;
    }
  }

  Endpoints endpoints() {
    return new Endpoints(
        "postgresql://logic_graph:logic_graph@127.0.0.1:" + postgresPort + "/logic_graph",
        "redis://127.0.0.1:" + redisPort,
        "amqp://guest:guest@127.0.0.1:" + amqpPort,
        "http://127.0.0.1:" + managementPort);
  }

  // ------------------------------------------------------------------ Redis

  void startRedis() {
    redis.start();
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> redisCommand("PING").equals("+PONG"));
  }

  /** kill -9 of the Redis server (its data is gone: no persistence). */
  void killRedis() {
    redis.kill();
  }

  /** FLUSHALL on the private server. */
  void flushRedis() {
    String reply = redisCommand("FLUSHALL");
    if (!reply.startsWith("+")) {
      throw new IllegalStateException("FLUSHALL answered " + reply);
    }
  }

  private String redisCommand(String command) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 1000);
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("*1\r\n$" + command.length() + "\r\n" + command + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    } catch (IOException e) {
      return "-" + e.getMessage();
    }
  }

  // ------------------------------------------------------------------ RabbitMQ

  void startRabbit() {
    rabbit.start();
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!rabbit.isAlive()) {
                throw new IllegalStateException(
                    "private RabbitMQ exited; its log ends with:\n" + rabbit.tail(40));
              }
              return managementStatus("/api/overview") == 200 && amqpListening();
            });
  }

  /** kill -9 of the broker's Erlang VM (and its wrapper script). */
  void killRabbit() {
    rabbit.killTree();
  }

  private boolean amqpListening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", amqpPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int managementStatus(String path) {
    String auth =
        Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    try {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                  .header("Authorization", "Basic " + auth)
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  // ------------------------------------------------------------------ PostgreSQL

  private void initPostgres() {
    try {
      Files.createDirectories(postgresData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(List.of("chown", "postgres", postgresData.toString()));
    asPostgres(
        PG_BIN
            + "initdb -D "
            + postgresData.resolve("data")
            + " -A trust -U postgres --no-sync > "
            + postgresData.resolve("initdb.log")
            + " 2>&1");
  }

  void startPostgres() {
    asPostgres(
        PG_BIN
            + "pg_ctl -D "
            + postgresData.resolve("data")
            + " -l "
            + postgresData.resolve("postgres.log")
            + " -w -t 60 -o \"-p "
            + postgresPort
            + " -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\""
            + " start");
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      if (!statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = 'logic_graph'").next()) {
        statement.execute("CREATE ROLE logic_graph LOGIN SUPERUSER PASSWORD 'logic_graph'");
        statement.execute("CREATE DATABASE logic_graph OWNER logic_graph");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("private PostgreSQL does not answer: " + e.getMessage(), e);
    }
  }

  /** Stops PostgreSQL (fast shutdown: clients are disconnected, as in an outage). */
  void stopPostgres() {
    asPostgres(PG_BIN + "pg_ctl -D " + postgresData.resolve("data") + " -m fast -w stop");
  }

  private void stopPostgresQuietly() {
    if (Files.exists(postgresData.resolve("data/postmaster.pid"))) {
      try {
        asPostgres(PG_BIN + "pg_ctl -D " + postgresData.resolve("data") + " -m immediate -w stop");
      } catch (RuntimeException e) {
        System.err.println("private PostgreSQL did not stop: " + e.getMessage());
      }
    }
  }

  private static void asPostgres(String command) {
    run(List.of("runuser", "-u", "postgres", "--", "sh", "-c", command));
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(command + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ shutdown

  @Override
  public void close() {
    rabbit.killTree();
    redis.kill();
    stopPostgresQuietly();
  }

  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // released either way
        }
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
