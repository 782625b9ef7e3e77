package io.logicgraph.gateway;

import io.logicgraph.model.graph.GraphLimits;
import io.logicgraph.model.message.ExecutionEvents;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Settings of the gateway (prefix {@code gateway}); every key has a default. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

  /** Graph validation limits. */
  GraphSettings graph();

  /** Execution start, idempotency and waiting. */
  ExecutionSettings execution();

  /** PostgreSQL access. */
  DatabaseSettings database();

  /** Listing endpoints. */
  PageSettings page();

  /** Live progress ({@code GET /executions/{id}/events}). */
  EventSettings events();

  /** Authentication of every {@code /api/v1} request: API keys and JWT bearer tokens. */
  AuthSettings auth();

  /** Per-tenant request rate limits, kept in Redis. */
  RateLimitSettings rateLimit();

  /**
   * Apply the database migrations at start, then exit (0, or non-zero when a migration failed):
   * what the Kubernetes migration Job runs. Set with {@code LGF_MIGRATE_ONLY=true}.
   */
  @WithDefault("false")
  boolean migrateOnly();

  /** Authentication. */
  interface AuthSettings {
    /**
     * How long a verified API key (or the fact that a key is unknown or revoked) is kept in memory:
     * the longest a revocation takes to reach a gateway replica other than the one that revoked.
     */
    @WithDefault("PT10S")
    Duration keyCacheTtl();

    /** Most API keys remembered at once (a flood of made-up keys cannot grow memory past it). */
    @WithDefault("10000")
    int keyCacheSize();

    /**
     * A key ensured at start (hashed) for {@link #bootstrapTenant()}: dev runs, tests, benchmarks.
     * Set with {@code LGF_BOOTSTRAP_API_KEY}.
     */
    Optional<String> bootstrapKey();

    /** The tenant of the bootstrap key ({@code LGF_BOOTSTRAP_TENANT}). */
    @WithDefault("default")
    String bootstrapTenant();

    /**
     * The bearer token of the admin endpoints on the management port ({@code LGF_ADMIN_TOKEN});
     * without it those endpoints answer 404.
     */
    Optional<String> adminToken();

    /** The JWT claim that names the token's tenant. */
    @WithDefault("tenant")
    String tenantClaim();
  }

  /** Per-tenant rate limits: a token bucket (GCRA) per tenant in Redis. */
  interface RateLimitSettings {
    /** Off: no request is counted. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Sustained requests per second a tenant may send ({@code LGF_RATE_LIMIT_REQUESTS_PER_SECOND}).
     */
    @WithDefault("100")
    double requestsPerSecond();

    /** Requests a tenant may send at once after a quiet period ({@code LGF_RATE_LIMIT_BURST}). */
    @WithDefault("200")
    int burst();

    /** Longest wait for Redis; after it (or when Redis fails) the request is let through. */
    @WithDefault("PT0.25S")
    Duration timeout();

    /** Per-tenant overrides, e.g. {@code gateway.rate-limit.tenants.acme.burst=1000}. */
    Map<String, TenantRate> tenants();

    /** One tenant's override; what it leaves out comes from the defaults above. */
    interface TenantRate {
      Optional<Double> requestsPerSecond();

      Optional<Integer> burst();
    }
  }

  /** Graph validation limits (spec 04). */
  interface GraphSettings {
    /** Most nodes a graph may have. */
    @WithDefault("500")
    int maxNodes();

    /** Most edges a graph may have. */
    @WithDefault("2000")
    int maxEdges();

    /** Most GRL rules one GrlNode may hold. */
    @WithDefault("500")
    int maxGrlRules();

    /**
     * Names of the datasources worker-db is configured with (env GATEWAY_GRAPH_DATASOURCES,
     * comma-separated): a DB node naming another one is refused at submission. Unset: any
     * well-formed name is accepted and an unknown one fails at run time (E004).
     */
    Optional<Set<String>> datasources();

    default GraphLimits limits() {
      return new GraphLimits(maxNodes(), maxEdges(), maxGrlRules());
    }
  }

  /** Execution start, idempotency and waiting. */
  interface ExecutionSettings {
    /** Overall deadline of an execution, counted from its acceptance. */
    @WithDefault("PT10M")
    Duration timeout();

    /** Largest execution input context, in bytes of JSON. */
    @WithDefault("262144")
    int maxInputBytes();

    /** How long an Idempotency-Key keeps returning the execution it first started. */
    @WithDefault("PT24H")
    Duration idempotencyRetention();

    /** How long to wait for the broker's publisher confirm of an execution request. */
    @WithDefault("PT5S")
    Duration publishTimeout();

    /** Longest {@code wait} a client may ask for on execute. */
    @WithDefault("PT30S")
    Duration maxWait();

    /** How often a waiting request polls PostgreSQL while Redis notifications are unavailable. */
    @WithDefault("PT0.2S")
    Duration waitPollInterval();

    /** How often a waiting request re-reads PostgreSQL even with notifications (a safety net). */
    @WithDefault("PT2S")
    Duration waitSafetyPollInterval();

    /** Redis channel on which the orchestrator publishes the id of every execution that ended. */
    @WithDefault(ExecutionEvents.FINISHED_CHANNEL)
    String finishedChannel();
  }

  /** PostgreSQL access. */
  interface DatabaseSettings {
    /**
     * Longest one SQL statement may run (or wait for a lock) before PostgreSQL cancels it and the
     * request answers 503 ({@code statement_timeout} of every pooled connection). A request whose
     * database work got no answer at all for twice this plus the acquire timeout answers 503 too.
     */
    @WithDefault("PT5S")
    Duration operationTimeout();

    /** TCP connect timeout of new pooled connections. */
    @WithDefault("PT3S")
    Duration connectTimeout();

    /** Longest wait for a free pooled connection. */
    @WithDefault("PT3S")
    Duration acquireTimeout();
  }

  /** Live progress streams. */
  interface EventSettings {
    /** Longest a stream read waits for new events (short: a read outlives its client by this). */
    @WithDefault("PT2S")
    Duration block();

    /** Most events read from Redis at once. */
    @WithDefault("200")
    int batchSize();

    /** A comment line is sent when nothing else was for this long, so proxies keep the stream. */
    @WithDefault("PT15S")
    Duration heartbeat();

    /** How often an idle stream asks PostgreSQL whether its execution ended without an event. */
    @WithDefault("PT5S")
    Duration statusCheckInterval();

    /**
     * Once PostgreSQL says the execution ended, how long to wait for its execution_finished event
     * (written just after the commit) before sending one made from PostgreSQL.
     */
    @WithDefault("PT1S")
    Duration terminalGrace();

    /** Most event streams open at once; more are refused with 503. */
    @WithDefault("100")
    int maxStreams();
  }

  /** Listing endpoints. */
  interface PageSettings {
    /** Items per page when the client gives no limit. */
    @WithDefault("20")
    int defaultLimit();

    /** Most items per page. */
    @WithDefault("100")
    int maxLimit();
  }
}
