package io.logicgraph.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.logicgraph.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.types.NumberType;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The limiter's decisions from what Redis answers, and its fail-open policy when Redis fails or
 * stays silent (Redis stood in for by a proxy: this is the limiter's own layer; the script itself
 * runs against real Redis in RateLimitTest).
 */
class RateLimiterTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<List<String>> calls = new ArrayList<>();

  private RateLimiter limiter(Supplier<Uni<Response>> answer) {
    ReactiveRedisDataSource redis =
        (ReactiveRedisDataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ReactiveRedisDataSource.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("execute") && args[0] instanceof String command) {
                    List<String> call = new ArrayList<>(List.of(command));
                    call.addAll(List.of((String[]) args[1]));
                    calls.add(call);
                    return answer.get();
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return new RateLimiter(redis, config(), meters);
  }

  private static GatewayConfig config() {
    Object settings =
        Proxy.newProxyInstance(
            RateLimiterTest.class.getClassLoader(),
            new Class<?>[] {GatewayConfig.RateLimitSettings.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "enabled" -> true;
                  case "requestsPerSecond" -> 10.0;
                  case "burst" -> 5;
                  case "timeout" -> Duration.ofMillis(50);
                  case "tenants" -> Map.of("big", new BigTenant());
                  default -> throw new UnsupportedOperationException(method.getName());
                });
    return (GatewayConfig)
        Proxy.newProxyInstance(
            RateLimiterTest.class.getClassLoader(),
            new Class<?>[] {GatewayConfig.class},
            (proxy, method, args) -> {
              if (method.getName().equals("rateLimit")) {
                return settings;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static final class BigTenant implements GatewayConfig.RateLimitSettings.TenantRate {
    @Override
    public Optional<Double> requestsPerSecond() {
      return Optional.of(1000.0);
    }

    @Override
    public Optional<Integer> burst() {
      return Optional.empty();
    }
  }

  private static Uni<Response> micros(long waitMicros) {
    return Uni.createFrom().item(Response.newInstance(NumberType.create(waitMicros)));
  }

  private RateLimiter.Decision decide(RateLimiter limiter, String tenant) {
    return limiter.acquire(tenant).await().atMost(Duration.ofSeconds(5));
  }

  @Test
  void zeroFromRedisAllowsAndTheTenantsBucketAndRateAreSent() {
    RateLimiter.Decision decision = decide(limiter(() -> micros(0)), "acme");
    assertThat(decision.allowed()).isTrue();
    // EVALSHA <sha> 1 <key> <µs per request> <burst tolerance µs>
    assertThat(calls.get(0)).element(0).isEqualTo("EVALSHA");
    assertThat(calls.get(0).subList(2, 6))
        .containsExactly("1", "lgf:ratelimit:acme", "100000", "500000");
  }

  @Test
  void aPerTenantOverrideReplacesTheRateAndKeepsTheDefaultBurst() {
    decide(limiter(() -> micros(0)), "big");
    assertThat(calls.get(0).subList(3, 6)).containsExactly("lgf:ratelimit:big", "1000", "5000");
  }

  @Test
  void aWaitFromRedisIsARefusalWithRetryAfterRoundedUpToWholeSeconds() {
    assertThat(decide(limiter(() -> micros(2_500_000)), "acme"))
        .isEqualTo(new RateLimiter.Decision(false, 3));
    assertThat(decide(limiter(() -> micros(1)), "acme"))
        .isEqualTo(new RateLimiter.Decision(false, 1));
    assertThat(meters.get("lgf_rate_limit_rejected").counter().count()).isEqualTo(2.0);
  }

  @Test
  void anUnknownScriptIsLoadedWithEval() {
    int[] call = {0};
    RateLimiter limiter =
        limiter(
            () ->
                call[0]++ == 0
                    ? Uni.createFrom().failure(new RuntimeException("NOSCRIPT No matching script"))
                    : micros(0));
    assertThat(decide(limiter, "acme").allowed()).isTrue();
    assertThat(calls).extracting(c -> c.get(0)).containsExactly("EVALSHA", "EVAL");
    assertThat(calls.get(1).get(1)).isEqualTo(RateLimiter.SCRIPT);
  }

  @Test
  void redisDownLetsTheRequestThroughAndCountsIt() {
    RateLimiter limiter =
        limiter(() -> Uni.createFrom().failure(new ConnectException("Connection refused")));
    assertThat(decide(limiter, "acme").allowed()).isTrue();
    assertThat(meters.get("lgf_rate_limit_unchecked").counter().count()).isEqualTo(1.0);
  }

  @Test
  void silentRedisLetsTheRequestThroughAfterTheTimeout() {
    RateLimiter limiter = limiter(() -> Uni.createFrom().nothing());
    assertThat(decide(limiter, "acme").allowed()).isTrue();
    assertThat(meters.get("lgf_rate_limit_unchecked").counter().count()).isEqualTo(1.0);
  }
}
