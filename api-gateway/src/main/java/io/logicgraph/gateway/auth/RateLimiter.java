package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayConfig.RateLimitSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Per-tenant request rate limits: GCRA (a token bucket kept as one "theoretical arrival time" per
 * tenant) decided atomically by one Lua script call in Redis, on Redis' clock, so every gateway
 * replica shares one budget per tenant and one tenant's flood costs another nothing but a Redis
 * round trip. When Redis is slow or down the request is let through (fail-open: an outage of the
 * limiter must not become an outage of the API), counted in {@code lgf_rate_limit_unchecked_total}
 * and logged at most once a minute.
 */
@ApplicationScoped
public class RateLimiter {
  private static final Logger LOG = Logger.getLogger(RateLimiter.class);

  /**
   * ARGV: emission interval (µs per request), burst tolerance (µs). Answers 0 when the request is
   * allowed (and records it), else the µs until it would be.
   */
  static final String SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local interval = tonumber(ARGV[1])
      local tolerance = tonumber(ARGV[2])
      local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
      if tat < now then tat = now end
      local allowed_at = tat + interval - tolerance
      if now < allowed_at then return math.ceil(allowed_at - now) end
      redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', math.ceil(tolerance / 1000) + 1000)
      return 0
      """;

  private static final String SHA = sha1(SCRIPT);
  private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  /** The decision for one request. */
  public record Decision(boolean allowed, long retryAfterSeconds) {
    static final Decision ALLOW = new Decision(true, 0);
  }

  private final ReactiveRedisDataSource redis;
  private final RateLimitSettings settings;
  private final Counter unchecked;
  private final Counter limited;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  public RateLimiter(ReactiveRedisDataSource redis, GatewayConfig config, MeterRegistry meters) {
    this.redis = redis;
    this.settings = config.rateLimit();
    this.unchecked =
        Counter.builder("lgf_rate_limit_unchecked")
            .description("Requests let through unchecked because Redis was slow or unreachable")
            .register(meters);
    this.limited =
        Counter.builder("lgf_rate_limit_rejected")
            .description("Requests answered 429 by the per-tenant rate limit")
            .register(meters);
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** Counts one request of the tenant; its decision. */
  public Uni<Decision> acquire(String tenant) {
    if (!settings.enabled()) {
      return Uni.createFrom().item(Decision.ALLOW);
    }
    GatewayConfig.RateLimitSettings.TenantRate override = settings.tenants().get(tenant);
    double rate =
        override == null
            ? settings.requestsPerSecond()
            : override.requestsPerSecond().orElse(settings.requestsPerSecond());
    int burst = override == null ? settings.burst() : override.burst().orElse(settings.burst());
    long interval = Math.max(1, Math.round(1_000_000d / Math.max(rate, 1e-6)));
    long tolerance = interval * Math.max(1, burst);
    String key = "lgf:ratelimit:" + tenant;
    String[] args = {SHA, "1", key, Long.toString(interval), Long.toString(tolerance)};
    return redis
        .execute("EVALSHA", args)
        .onFailure(RateLimiter::isNoScript)
        .recoverWithUni(() -> redis.execute("EVAL", SCRIPT, "1", key, args[3], args[4]))
        .ifNoItem()
        .after(settings.timeout())
        .fail()
        .map(RateLimiter::decision)
        .onItem()
        .invoke(
            decision -> {
              if (!decision.allowed()) {
                limited.increment();
              }
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              unchecked.increment();
              long now = System.nanoTime();
              long last = lastWarning.get();
              if (now - last >= LOG_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                LOG.warnf(
                    "rate limits not enforced: Redis did not answer (%s); letting requests through",
                    failure.toString());
              }
              return Decision.ALLOW;
            });
  }

  private static Decision decision(Response response) {
    long waitMicros = response == null ? 0 : response.toLong();
    if (waitMicros <= 0) {
      return Decision.ALLOW;
    }
    return new Decision(false, Math.max(1, (waitMicros + 999_999) / 1_000_000));
  }

  private static boolean isNoScript(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
