package io.logicgraph.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fleet under measurement: its own RabbitMQ virtual host, PostgreSQL state database and Redis
 * database index (all emptied at start), the LLM emulator, and each service as a separate JVM from
 * {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. Extra worker-ai replicas can be added
 * and removed; every start is timed from spawn to the first 200 of {@code /ready}.
 */
final class BenchFleet implements AutoCloseable {
  /** The services in start order (dependencies of the gateway's readiness first). */
  static final List<String> SERVICES =
      List.of("orchestrator", "api-gateway", "worker-rule", "worker-db", "worker-ai");

  /** AppCDS archive beside quarkus-run.jar (the launchers' name, also Quarkus's). */
  private static final String CDS_ARCHIVE = "app-cds.jsa";

  private static final String EMULATOR_SOURCE = "deploy/local/llm-emulator/LlmEmulator.java";
  private static final String EMULATOR_KEY = "emulator-key";

  private final Options options;
  private final Path logs;
  private final Map<String, String> baseEnv = new LinkedHashMap<>();
  private final Map<String, Proc> processes = new LinkedHashMap<>();
  private final Map<String, int[]> ports = new LinkedHashMap<>();

  /** Module → the instance that records the module's class-data archive when it exits. */
  private final Map<String, String> recording = new LinkedHashMap<>();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Proc emulator;
  private Connection counter;
  private int emulatorPort;

  /** One process of the fleet with its ports. */
  record Proc(String name, String module, Process process, int httpPort, int managementPort) {
    long pid() {
      return process.pid();
    }
  }

  BenchFleet(Options options) {
    this.options = options;
    this.logs = options.output().toAbsolutePath().getParent().resolve("fleet-logs");
  }

  /** RabbitMQ URL of the fleet's own virtual host (also used by the broker-only baseline). */
  String rabbitmqUrl() {
    return baseEnv.get("RABBITMQ_URL");
  }

  String apiBaseUri() {
    return "http://127.0.0.1:" + processes.get("api-gateway").httpPort();
  }

  String apiKey() {
    return options.apiKey();
  }

  /** Every running service process, by instance name (worker-ai, worker-ai-2, ...). */
  Map<String, Proc> processes() {
    return processes;
  }

  /** Empties and prepares the fleet's slice of RabbitMQ, PostgreSQL and Redis. */
  void prepareInfrastructure() {
    String name = options.fleetName();
    String database = name.replaceAll("[^A-Za-z0-9_]", "_");
    URI postgres = URI.create(options.postgresUrl());
    try (Connection connection = jdbc(postgres, "/postgres");
        Statement statement = connection.createStatement()) {
      // Sessions of this role (a previous run's services) are ended here; DROP DATABASE itself
      // stops an autovacuum worker on it and waits for it. WITH (FORCE) would instead fail when
      // autovacuum is at work there (terminating its worker needs pg_signal_backend).
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database
              + "' AND usename = current_user AND pid <> pg_backend_pid()");
      statement.execute("DROP DATABASE IF EXISTS " + database);
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare database " + database + ": " + e, e);
    }
    String vhost = URLEncoder.encode(name, StandardCharsets.UTF_8);
    management("DELETE", "/api/vhosts/" + vhost, null);
    management("PUT", "/api/vhosts/" + vhost, "{}");
    management(
        "PUT",
        "/api/permissions/" + vhost + "/guest",
        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    flushRedisDatabase(URI.create(options.redisUrl()), options.redisDatabase());
    baseEnv.put("POSTGRES_URL", withPath(postgres, "/" + database));
    baseEnv.put(
        "REDIS_URL", withPath(URI.create(options.redisUrl()), "/" + options.redisDatabase()));
    baseEnv.put("RABBITMQ_URL", withPath(URI.create(options.rabbitmqUrl()), "/" + vhost));
  }

  /** A JDBC connection to the fleet's state database. */
  Connection stateDatabase() throws SQLException {
    URI url = URI.create(baseEnv.get("POSTGRES_URL"));
    return jdbc(url, url.getRawPath());
  }

  /**
   * Node attempts the orchestrator has applied as succeeded so far (rows of node_attempts, written
   * in the same transaction as the state change, before the result is acked).
   */
  long succeededAttempts() {
    try {
      if (counter == null || counter.isClosed()) {
        counter = stateDatabase();
      }
      try (Statement statement = counter.createStatement();
          java.sql.ResultSet rows =
              statement.executeQuery(
                  "SELECT count(*) FROM node_attempts WHERE outcome = 'succeeded'")) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count node attempts: " + e.getMessage(), e);
    }
  }

  /** Starts the LLM emulator and waits until it answers. */
  void startEmulator() {
    emulatorPort = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        spawn(
            "llm-emulator",
            List.of(
                java,
                "-Xmx64m",
                options.root().resolve(EMULATOR_SOURCE).toString(),
                "--port",
                String.valueOf(emulatorPort)),
            Map.of(),
            options.root());
    emulator = new Proc("llm-emulator", "llm-emulator", process, emulatorPort, emulatorPort);
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    while (status(URI.create("http://127.0.0.1:" + emulatorPort + "/health")) != 200) {
      check(emulator, deadline);
      pause(100);
    }
  }

  /** Starts one instance of a module's service and returns the milliseconds from spawn to ready. */
  long start(String instance, String module) {
    Path jar = options.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build with ./mvnw package -DskipTests");
    }
    // A restarted instance keeps its ports, so clients holding its address reach it again.
    int[] known = ports.computeIfAbsent(instance, i -> new int[] {freePort(), freePort()});
    int httpPort = known[0];
    int managementPort = known[1];
    Map<String, String> env = new LinkedHashMap<>(baseEnv);
    env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
    env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
    switch (module) {
      case "api-gateway" -> {
        env.put("LGF_BOOTSTRAP_API_KEY", options.apiKey());
        env.put("LGF_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");
        env.put("LGF_RATE_LIMIT_BURST", "1000000");
      }
      case "worker-ai" -> {
        String root = "http://127.0.0.1:" + emulatorPort;
        env.put("OPENAI_BASE_URL", root + "/v1");
        env.put("OPENAI_API_KEY", EMULATOR_KEY);
        env.put("ANTHROPIC_BASE_URL", root);
        env.put("ANTHROPIC_API_KEY", EMULATOR_KEY);
        env.put("OLLAMA_BASE_URL", root);
        env.put("WORKER_CONCURRENCY", String.valueOf(options.aiConcurrency()));
      }
      default -> {}
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options.jvmFlags(module));
    // As deploy/local/fleet.sh: the archive loads only when the JVM starts in the application's
    // directory with the jar's relative path; without a current one, the module's first instance
    // records it when it exits (a training run: the classes its start and its work loaded).
    Path directory = jar.getParent();
    if (ClassDataArchive.current(directory, CDS_ARCHIVE)) {
      command.add("-XX:SharedArchiveFile=" + CDS_ARCHIVE);
    } else if (recording.putIfAbsent(module, instance) == null) {
      ClassDataArchive.discard(directory, CDS_ARCHIVE);
      command.add("-XX:ArchiveClassesAtExit=" + CDS_ARCHIVE);
      command.add("-Xlog:cds*=error");
    }
    command.add("-jar");
    command.add(jar.getFileName().toString());
    long started = System.nanoTime();
    Process process = spawn(instance, command, env, directory);
    Proc proc = new Proc(instance, module, process, httpPort, managementPort);
    processes.put(instance, proc);
    long deadline = started + options.readyTimeout().toNanos();
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/ready");
    while (status(ready) != 200) {
      check(proc, deadline);
      pause(20);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** Stops one instance gracefully (SIGTERM, then SIGKILL after 20 s). */
  void stop(String instance) {
    Proc proc = processes.remove(instance);
    if (proc != null) {
      terminate(proc.process());
      recording.values().remove(instance);
    }
  }

  /** Whether an instance of the module started with a current class-data archive. */
  boolean archiveRecordedFor(String module) {
    return ClassDataArchive.current(
        options.root().resolve(module).resolve("target/quarkus-app"), CDS_ARCHIVE);
  }

  /** Resident set size in bytes of a live process, or -1. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  Path logDirectory() {
    return logs;
  }

  @Override
  public void close() {
    List<Proc> all = new ArrayList<>(processes.values());
    if (emulator != null) {
      all.add(emulator);
    }
    all.forEach(p -> p.process().destroy());
    all.forEach(p -> terminate(p.process()));
    processes.clear();
  }

  // ---------------------------------------------------------------- helpers

  private Process spawn(
      String name, List<String> command, Map<String, String> env, Path directory) {
    try {
      Files.createDirectories(logs);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private void check(Proc proc, long deadlineNanos) {
    if (!proc.process().isAlive()) {
      throw new IllegalStateException(
          proc.name()
              + " exited with "
              + proc.process().exitValue()
              + " before it was ready; see "
              + logs.resolve(proc.name() + ".log"));
    }
    if (System.nanoTime() > deadlineNanos) {
      throw new IllegalStateException(
          proc.name()
              + " is not ready after "
              + options.readyTimeout().toSeconds()
              + " s; see "
              + logs.resolve(proc.name() + ".log"));
    }
  }

  private static void terminate(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private int status(URI uri) {
    try {
      return http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void management(String method, String path, String body) {
    URI base = URI.create(options.rabbitmqManagementUrl());
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (base.getUserInfo() == null ? "guest:guest" : base.getUserInfo())
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(base.getScheme() + "://" + base.getHost() + ":" + base.getPort() + path))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code >= 300 && !(method.equals("DELETE") && code == 404)) {
        throw new IllegalStateException("RabbitMQ management answered " + code + " to " + path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach RabbitMQ management at " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Connection jdbc(URI url, String path) throws SQLException {
    String[] user =
        (url.getUserInfo() == null ? "logic_graph:logic_graph" : url.getUserInfo()).split(":", 2);
    return DriverManager.getConnection(
        "jdbc:postgresql://"
            + url.getHost()
            + ":"
            + (url.getPort() > 0 ? url.getPort() : 5432)
            + path,
        user[0],
        user.length > 1 ? user[1] : null);
  }

  /** SELECT + FLUSHDB of this fleet's own Redis index only (never FLUSHALL: Redis is shared). */
  private static void flushRedisDatabase(URI redis, int index) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379),
          3000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      String select = String.valueOf(index);
      out.write(
          ("*2\r\n$6\r\nSELECT\r\n$"
                  + select.length()
                  + "\r\n"
                  + select
                  + "\r\n*1\r\n$7\r\nFLUSHDB\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (int i = 0; i < 2; i++) {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
          line.append((char) c);
        }
        if (!line.toString().startsWith("+")) {
          throw new IllegalStateException("Redis answered " + line.toString().trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach Redis at " + redis.getHost(), e);
    }
  }

  private static String withPath(URI uri, String path) {
    return uri.getScheme()
        + "://"
        + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
