package io.logicgraph.fleet;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.logicgraph.model.testing.TestInfrastructure;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The whole fleet on this machine for scenario tests: the five services as separate JVMs started
 * from {@code <root>/<module>/target/quarkus-app/quarkus-run.jar} on free ports, the LLM emulator
 * (serving worker-ai's OpenAI, Anthropic and Ollama providers), an own RabbitMQ virtual host,
 * PostgreSQL databases and Redis database (reset at every start, so nothing of an earlier run or of
 * other suites leaks in), and the datasources of DB nodes (see {@link FleetInfrastructure}). Every
 * process keeps its handle, so a test can {@link #kill} and {@link #start} one.
 */
public final class Fleet implements AutoCloseable {
  /**
   * The datasource name DB nodes of the scenario graphs use (worker-db: DATASOURCE_SHOP_DB_URL).
   */
  public static final String SHOP_DB = "shop_db";

  /**
   * The shop database again, reached by worker-db through a link a test can cut ({@link
   * #cutRemoteLink()}): a datasource that becomes unreachable and comes back.
   */
  public static final String REMOTE_DB = "remote_db";

  /**
   * The API key every request of the tests sends (the gateway ensures it at start for tenant
   * {@value #TENANT}: LGF_BOOTSTRAP_API_KEY).
   */
  public static final String API_KEY = "lgf-fleet-test-key-0123456789abcdef";

  /** The header API keys are sent in. */
  public static final String API_KEY_HEADER = "X-API-Key";

  /** The tenant of {@link #API_KEY}. */
  public static final String TENANT = "default";

  /** The token of the gateway's admin endpoints on its management port (LGF_ADMIN_TOKEN). */
  public static final String ADMIN_TOKEN = "fleet-test-admin-token";

  /** The API key the harness itself sends to the emulator (which wants a key, but accepts any). */
  static final String EMULATOR_KEY = "emulator-key";

  /**
   * worker-ai's OpenAI key (OPENAI_API_KEY): a canary, fresh per test JVM, that must never show up
   * in a log, a metric, an answer, a stored row or a dead-lettered message.
   */
  static final String OPENAI_KEY = canary("sk-lgf-canary-openai-");

  /** worker-ai's Anthropic key (ANTHROPIC_API_KEY): a canary like {@link #OPENAI_KEY}. */
  static final String ANTHROPIC_KEY = canary("sk-ant-lgf-canary-anthropic-");

  /**
   * A datasource worker-db gets only in the redaction scenario (whose URL carries a canary
   * password); the gateway accepts graphs naming it.
   */
  static final String CANARY_DB = "canary_db";

  private static final String EMULATOR_SOURCE = "deploy/local/llm-emulator/LlmEmulator.java";
  private static final String PROBE =
      "{\"model\":\"probe\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

  private static final RestAssuredConfig REST =
      RestAssuredConfig.config()
          .encoderConfig(
              EncoderConfig.encoderConfig()
                  .defaultContentCharset(StandardCharsets.UTF_8)
                  .encodeContentTypeAs("application/yaml", ContentType.TEXT));

  private final Path root;
  private final Duration readyTimeout;
  private final Map<Service, int[]> ports = new EnumMap<>(Service.class);
  private final Map<Service, ManagedProcess> services = new EnumMap<>(Service.class);
  private final Map<Service, Map<String, String>> serviceEnvironment = new EnumMap<>(Service.class);
  private final Map<String, Replica> replicas = new LinkedHashMap<>();
  private final Path logDirectory;
  private final String name;
  private final Map<String, String> infrastructureEnvironment;
  private final String rabbitmqManagementUrl;
  private final ManagedProcess emulator;
  private final int emulatorPort;
  private final TcpLink remoteLink;
  private final FleetLock nameLock;
  private final Map<String, FleetDatabase> databases;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread shutdownHook = new Thread(this::destroyAllNow, "fleet-shutdown");

  private Fleet(
      Builder builder,
      int[] free,
      FleetLock nameLock,
      TcpLink remoteLink,
      FleetInfrastructure infra) {
    this.root = builder.root;
    this.nameLock = nameLock;
    this.readyTimeout = builder.readyTimeout;
    this.remoteLink = remoteLink;
    this.databases = infra.databases();
    Path logs = builder.logDirectory;
    this.logDirectory = logs;
    this.name = builder.name;
    this.infrastructureEnvironment = infra.environment();
    this.rabbitmqManagementUrl = builder.endpoints().rabbitmqManagementUrl();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.emulatorPort = free[2 * Service.values().length];
    this.emulator =
        new ManagedProcess(
            "llm-emulator",
            List.of(
                java,
                "-Xmx64m",
                root.resolve(EMULATOR_SOURCE).toString(),
                "--port",
                String.valueOf(emulatorPort)),
            Map.of(),
            root,
            logs.resolve("llm-emulator.log"));
    int i = 0;
    for (Service service : Service.values()) {
      int httpPort = free[i++];
      int managementPort = free[i++];
      ports.put(service, new int[] {httpPort, managementPort});
      Map<String, String> env = new LinkedHashMap<>(infra.environment());
      env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
      env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
      switch (service) {
        case WORKER_DB ->
            infra
                .datasources()
                .forEach(
                    (name, url) ->
                        env.put("DATASOURCE_" + name.toUpperCase(Locale.ROOT) + "_URL", url));
        case WORKER_AI -> {
          // Every provider of worker-ai talks to the emulator (Anthropic and Ollama base URLs
          // have no /v1: the providers append their own paths).
          env.put("OPENAI_BASE_URL", llmRootUri() + "/v1");
          env.put("OPENAI_API_KEY", OPENAI_KEY);
          env.put("ANTHROPIC_BASE_URL", llmRootUri());
          env.put("ANTHROPIC_API_KEY", ANTHROPIC_KEY);
          env.put("OLLAMA_BASE_URL", llmRootUri());
        }
        case API_GATEWAY -> {
          env.put("LGF_BOOTSTRAP_API_KEY", API_KEY);
          env.put("LGF_BOOTSTRAP_TENANT", TENANT);
          env.put("LGF_ADMIN_TOKEN", ADMIN_TOKEN);
          // JWT bearer tokens too, signed by FleetJwt's key pair
          env.put(
              "LGF_JWT_PUBLIC_KEY_LOCATION",
              FleetJwt.writePublicKey(logs).toAbsolutePath().toString());
          env.put("LGF_JWT_ISSUER", FleetJwt.ISSUER);
          env.put("LGF_JWT_AUDIENCE", FleetJwt.AUDIENCE);
          // scenarios poll hard; a test about rate limits sets its own
          env.put("LGF_RATE_LIMIT_REQUESTS_PER_SECOND", "100000");
          env.put("LGF_RATE_LIMIT_BURST", "100000");
          // DB nodes may name exactly the datasources worker-db has: others are refused at submit
          env.put(
              "GATEWAY_GRAPH_DATASOURCES",
              String.join(
                  ",",
                  new TreeSet<>(
                      Stream.concat(infra.datasources().keySet().stream(), Stream.of(CANARY_DB))
                          .toList())));
        }
        default -> {}
      }
      env.putAll(builder.environment.getOrDefault(service, Map.of()));
      serviceEnvironment.put(service, Map.copyOf(env));
      services.put(
          service,
          new ManagedProcess(
              service.module(),
              List.of(java, "-Xmx" + service.heap(), "-jar", jar(service).toString()),
              env,
              root.resolve(service.module()),
              logs.resolve(service.module() + ".log")));
    }
  }

  /** A builder for a fleet rooted at the system property {@code fleet.root}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts a fleet. */
  public static final class Builder {
    private Path root =
        Path.of(System.getProperty("fleet.root", "../..")).toAbsolutePath().normalize();
    private String name =
        System.getProperty("fleet.name", TestInfrastructure.namespaced("fleet-tests", '-'));
    private Path logDirectory = Path.of("target", "fleet-logs").toAbsolutePath();
    private Duration readyTimeout =
        Duration.ofSeconds(Long.getLong("fleet.readyTimeoutSeconds", 180));
    private final Map<Service, Map<String, String>> environment = new EnumMap<>(Service.class);
    private TestInfrastructure.Endpoints endpoints;

    private Builder() {}

    /**
     * Runs the fleet on these RabbitMQ, Redis and PostgreSQL servers instead of the shared test
     * infrastructure (e.g. private instances a fault test may kill; see {@link
     * io.logicgraph.fleet.PrivateInfrastructure}).
     */
    public Builder endpoints(TestInfrastructure.Endpoints endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    TestInfrastructure.Endpoints endpoints() {
      return endpoints != null ? endpoints : TestInfrastructure.endpoints();
    }

    /** The repository root holding the modules (default: system property fleet.root). */
    public Builder root(Path root) {
      this.root = root.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Names the RabbitMQ virtual host and the databases of this fleet (default: system property
     * fleet.name, else fleet-tests).
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder logDirectory(Path logDirectory) {
      this.logDirectory = logDirectory.toAbsolutePath();
      return this;
    }

    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = readyTimeout;
      return this;
    }

    /** An extra environment variable for one service (e.g. a shorter timeout in a fault test). */
    public Builder env(Service service, String key, String value) {
      environment.computeIfAbsent(service, s -> new HashMap<>()).put(key, value);
      return this;
    }

    /** Prepares the infrastructure, starts every process and waits until all are ready. */
    public Fleet start() {
      List<String> missing = new ArrayList<>();
      for (Service service : Service.values()) {
        if (!Files.isRegularFile(jar(root, service))) {
          missing.add(jar(root, service).toString());
        }
      }
      if (!Files.isRegularFile(root.resolve(EMULATOR_SOURCE))) {
        missing.add(root.resolve(EMULATOR_SOURCE).toString());
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "cannot start the fleet; missing (service jars come from ./mvnw package): " + missing);
      }
      FleetLock lock = FleetLock.acquire(name, Duration.ofMinutes(20));
      int[] free = freePorts(2 * Service.values().length + 2);
      TestInfrastructure.Endpoints base = endpoints();
      TcpLink link = new TcpLink(free[free.length - 1], postgresHost(base), postgresPort(base));
      Fleet fleet;
      try {
        link.restore();
        fleet =
            new Fleet(
                this, free, lock, link, FleetInfrastructure.prepare(name, root, link.port(), base));
      } catch (RuntimeException | Error e) {
        link.close();
        lock.close();
        throw e;
      }
      try {
        fleet.startAll();
      } catch (RuntimeException | Error e) {
        fleet.close();
        throw e;
      }
      return fleet;
    }
  }

  private static String postgresHost(TestInfrastructure.Endpoints base) {
    return URI.create(base.postgresUrl()).getHost();
  }

  private static int postgresPort(TestInfrastructure.Endpoints base) {
    int port = URI.create(base.postgresUrl()).getPort();
    return port > 0 ? port : 5432;
  }

  private void startAll() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    emulator.start();
    services.values().forEach(ManagedProcess::start);
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    awaitUp(emulator, this::emulatorAnswers, deadline);
    for (Service service : Service.values()) {
      awaitUp(services.get(service), () -> ready(service), deadline);
    }
  }

  private void awaitUp(ManagedProcess process, BooleanSupplier up, long deadlineNanos) {
    Duration left = Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1_000_000));
    try {
      await()
          .atMost(left)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                if (up.getAsBoolean()) {
                  return true;
                }
                if (!process.isAlive()) {
                  throw new FleetException(
                      process.name() + " " + process.exitDescription() + " before it was ready",
                      process);
                }
                return false;
              });
    } catch (ConditionTimeoutException e) {
      throw new FleetException(
          process.name() + " is not ready after " + readyTimeout.toSeconds() + " s", process);
    }
  }

  /** True when the service's management {@code /ready} answers 200. */
  public boolean ready(Service service) {
    return status(URI.create(managementUri(service) + "/ready"), null) == 200;
  }

  private boolean emulatorAnswers() {
    return status(URI.create(llmBaseUri() + "/chat/completions"), PROBE) == 200;
  }

  private int status(URI uri, String postBody) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3));
    if (postBody != null) {
      request.header("Content-Type", "application/json");
      request.header("Authorization", "Bearer " + EMULATOR_KEY);
      request.POST(HttpRequest.BodyPublishers.ofString(postBody));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ access

  /**
   * RestAssured request against the gateway's {@code /api/v1} with the fleet's API key (YAML bodies
   * sent as UTF-8 text).
   */
  public RequestSpecification api() {
    return anonymousApi().header(API_KEY_HEADER, API_KEY);
  }

  /** The same without credentials. */
  public RequestSpecification anonymousApi() {
    return given().config(REST).baseUri(apiBaseUri()).basePath("/api/v1");
  }

  /**
   * A new API key for the tenant, made through the gateway's admin endpoint on its management port
   * (as deploy/local/keys.sh does); its plaintext.
   */
  public String createApiKey(String tenant) {
    return given()
        .baseUri(managementUri(Service.API_GATEWAY))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .contentType(ContentType.JSON)
        .body("{\"tenant\": \"" + tenant + "\", \"name\": \"fleet test\"}")
        .when()
        .post("/admin/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }

  /** The fleet's name: its RabbitMQ virtual host and the stem of its database names. */
  public String name() {
    return name;
  }

  /** Every key of the fleet's Redis database with its values, as text. */
  public String redisDump() {
    return FleetInfrastructure.dumpRedis(URI.create(infrastructureEnvironment.get("REDIS_URL")));
  }

  /** The fleet's RabbitMQ URL, with its virtual host (as the services get it). */
  public String rabbitmqUrl() {
    return infrastructureEnvironment.get("RABBITMQ_URL");
  }

  /** The management API of the fleet's RabbitMQ, e.g. {@code http://127.0.0.1:15672}. */
  public String rabbitmqManagementUrl() {
    return rabbitmqManagementUrl;
  }

  /** The repository root the services were started from. */
  public Path root() {
    return root;
  }

  /** e.g. {@code http://127.0.0.1:41234}. */
  public String apiBaseUri() {
    return "http://127.0.0.1:" + httpPort(Service.API_GATEWAY);
  }

  public int httpPort(Service service) {
    return ports.get(service)[0];
  }

  public int managementPort(Service service) {
    return ports.get(service)[1];
  }

  /** e.g. {@code http://127.0.0.1:41235} (serves /ready, /health, /metrics). */
  public String managementUri(Service service) {
    return "http://127.0.0.1:" + managementPort(service);
  }

  /** The emulator's OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:41299/v1}. */
  public String llmBaseUri() {
    return llmRootUri() + "/v1";
  }

  /**
   * The emulator's root, e.g. {@code http://127.0.0.1:41299}: the Anthropic and Ollama base URL,
   * and where {@code /emulator/last-request} is.
   */
  public String llmRootUri() {
    return "http://127.0.0.1:" + emulatorPort;
  }

  /**
   * A database of the fleet: {@code "state"} (the one the gateway and orchestrator share) or a
   * datasource name ({@value #SHOP_DB}, {@code oms_db}, ...).
   */
  public FleetDatabase database(String name) {
    FleetDatabase database = databases.get(name);
    if (database == null) {
      throw new IllegalArgumentException("no fleet database " + name + "; there are " + databases);
    }
    return database;
  }

  public Path log(Service service) {
    return services.get(service).log();
  }

  public String logTail(Service service, int lines) {
    return services.get(service).tail(lines);
  }

  public boolean isAlive(Service service) {
    return services.get(service).isAlive();
  }

  public long pid(Service service) {
    return services.get(service).pid();
  }

  // ------------------------------------------------------------------ faults

  /** Kills the service with SIGKILL (a crash) and waits until the process is gone. */
  public void kill(Service service) {
    services.get(service).kill();
  }

  /** Stops the service gracefully (SIGTERM, up to 20 s, then SIGKILL). */
  public void stop(Service service) {
    services.get(service).stop(20);
  }

  /** Starts a stopped or killed service again on the same ports and waits until it is ready. */
  public void start(Service service) {
    start(service, Map.of());
  }

  /**
   * Starts a stopped or killed service with extra environment variables for this run only (a later
   * {@link #start(Service)} uses the fleet's own settings again).
   */
  public void start(Service service, Map<String, String> environment) {
    ManagedProcess process = services.get(service);
    process.start(environment);
    awaitUp(process, () -> ready(service), System.nanoTime() + readyTimeout.toNanos());
  }

  /**
   * Starts a stopped or killed service with extra environment variables for this run only and waits
   * until it is live ({@code /health}), not ready: for a service expected to report a dependency
   * DOWN.
   */
  public void startLive(Service service, Map<String, String> environment) {
    ManagedProcess process = services.get(service);
    process.start(environment);
    awaitUp(
        process,
        () -> status(URI.create(managementUri(service) + "/health"), null) == 200,
        System.nanoTime() + readyTimeout.toNanos());
  }

  /** A recognizable secret-like value, unique to this test JVM. */
  static String canary(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  /** Graceful stop, then start. */
  public void restart(Service service) {
    restart(service, Map.of());
  }

  /** Graceful stop, then start with extra environment variables for this run only. */
  public void restart(Service service, Map<String, String> environment) {
    stop(service);
    start(service, environment);
  }

  /**
   * Makes {@value #REMOTE_DB} unreachable: worker-db's connections to it drop and new ones are
   * refused (its readiness goes DOWN until {@link #restoreRemoteLink()}).
   */
  public void cutRemoteLink() {
    remoteLink.cut();
  }

  /** Makes {@value #REMOTE_DB} reachable again. */
  public void restoreRemoteLink() {
    remoteLink.restore();
  }

  // ------------------------------------------------------------------ replicas

  /** An extra instance of a service: same settings, its own ports, process and log. */
  private record Replica(
      Service service, ManagedProcess process, int httpPort, int managementPort) {}

  /**
   * Starts one more instance of {@code service} (e.g. a second orchestrator replica) under {@code
   * name}, with the fleet's settings for that service but its own ports and log, and waits until it
   * is ready. It can be killed and started again on its own ({@link #killReplica}, {@link
   * #startReplica(String)}) and is stopped with the fleet.
   */
  public void startReplica(Service service, String name) {
    startReplica(service, name, Map.of());
  }

  /** The same with extra environment variables for this replica. */
  public void startReplica(Service service, String name, Map<String, String> environment) {
    if (replicas.containsKey(name)) {
      throw new IllegalStateException("a replica named " + name + " exists already");
    }
    int[] free = freePorts(2);
    Map<String, String> env = new LinkedHashMap<>(serviceEnvironment.get(service));
    env.put("QUARKUS_HTTP_PORT", String.valueOf(free[0]));
    env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(free[1]));
    env.putAll(environment);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ManagedProcess process =
        new ManagedProcess(
            name,
            List.of(java, "-Xmx" + service.heap(), "-jar", jar(service).toString()),
            env,
            root.resolve(service.module()),
            logDirectory.resolve(name + ".log"));
    Replica replica = new Replica(service, process, free[0], free[1]);
    replicas.put(name, replica);
    startReplica(name);
  }

  /** Starts a killed replica again on its ports and waits until it is ready. */
  public void startReplica(String name) {
    Replica replica = replica(name);
    replica.process().start();
    awaitUp(
        replica.process(),
        () ->
            status(URI.create("http://127.0.0.1:" + replica.managementPort() + "/ready"), null)
                == 200,
        System.nanoTime() + readyTimeout.toNanos());
  }

  /** The base URI of a replica's HTTP port (e.g. a second gateway's), {@code http://host:port}. */
  public String replicaBaseUri(String name) {
    return "http://127.0.0.1:" + replica(name).httpPort();
  }

  /** A replica's log file. */
  public Path replicaLog(String name) {
    return replica(name).process().log();
  }

  /** Kills a replica with SIGKILL and waits until the process is gone. */
  public void killReplica(String name) {
    replica(name).process().kill();
  }

  public boolean isReplicaAlive(String name) {
    return replica(name).process().isAlive();
  }

  private Replica replica(String name) {
    Replica replica = replicas.get(name);
    if (replica == null) {
      throw new IllegalArgumentException("no replica " + name + "; there are " + replicas.keySet());
    }
    return replica;
  }

  private List<ManagedProcess> allProcesses() {
    List<ManagedProcess> all = new ArrayList<>(services.values());
    replicas.values().forEach(r -> all.add(r.process()));
    all.add(emulator);
    return all;
  }

  // ------------------------------------------------------------------ diagnostics

  /** Processes that exited although no test stopped them, each reported once, with its log tail. */
  List<String> unexpectedDeaths() {
    List<String> deaths = new ArrayList<>();
    for (ManagedProcess process : allProcesses()) {
      if (process.diedUnexpectedlyUnreported()) {
        deaths.add(
            process.name()
                + " "
                + process.exitDescription()
                + "; last lines of "
                + process.log()
                + ":\n"
                + process.tail(60));
      }
    }
    return deaths;
  }

  /** Prints the last lines of every process's log. */
  public void printLogTails(PrintStream out, int lines) {
    for (ManagedProcess process : allProcesses()) {
      out.println(
          "----- "
              + process.name()
              + " ("
              + process.exitDescription()
              + ", "
              + process.log()
              + ") -----");
      out.println(process.tail(lines));
    }
  }

  // ------------------------------------------------------------------ shutdown

  /** Stops everything: SIGTERM to all, up to 20 s grace, then SIGKILL. */
  @Override
  public void close() {
    replicas.values().forEach(r -> r.process().signalStop());
    services.values().forEach(ManagedProcess::signalStop);
    replicas.values().forEach(r -> r.process().stop(20));
    services.values().forEach(p -> p.stop(20));
    emulator.stop(5);
    remoteLink.close();
    nameLock.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already shutting down, or the hook was never registered
    }
  }

  private void destroyAllNow() {
    replicas.values().forEach(r -> r.process().kill());
    services.values().forEach(ManagedProcess::kill);
    emulator.kill();
  }

  // ------------------------------------------------------------------ helpers

  private Path jar(Service service) {
    return jar(root, service);
  }

  private static Path jar(Path root, Service service) {
    return root.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
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
          // the port is released either way
        }
      }
    }
  }

  /** A fleet process that failed to come up; the message carries the tail of its log. */
  public static final class FleetException extends RuntimeException {
    FleetException(String message, ManagedProcess process) {
      super(
          message
              + "; last lines of "
              + process.log()
              + ":\n"
              + process.tail(60)
              + "\n----- end of "
              + process.name()
              + " log -----");
    }
  }
}
