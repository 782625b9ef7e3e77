package io.logicgraph.gateway.messaging;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.model.message.ExecutionEvents;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Lets requests wait for executions to end. One Redis subscription per process (channel {@link
 * ExecutionEvents#FINISHED_CHANNEL}, payload: the execution id) wakes the waiters of that
 * execution; PostgreSQL stays the truth: a waiter re-reads it right after registering (so a
 * notification sent just before cannot be missed), after every wake-up, and by polling — every
 * {@code wait-poll-interval} while the subscription is down, every {@code
 * wait-safety-poll-interval} while it is up.
 */
@ApplicationScoped
public class FinishedExecutions {
  private static final Logger LOG = Logger.getLogger(FinishedExecutions.class);
  private static final Duration MAX_RESUBSCRIBE_BACKOFF = Duration.ofSeconds(10);

  private final ReactiveRedisDataSource redis;
  private final Vertx vertx;
  private final String channel;
  private final Duration pollInterval;
  private final Duration safetyPollInterval;
  private final boolean migrateOnly;
  private final Map<UUID, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
  private final AtomicBoolean resubscribeScheduled = new AtomicBoolean();
  private volatile boolean subscribed;
  private volatile boolean stopping;
  private volatile ReactiveRedisSubscriber subscriber;
  private volatile Duration backoff = Duration.ofMillis(250);

  public FinishedExecutions(ReactiveRedisDataSource redis, Vertx vertx, GatewayConfig config) {
    this.redis = redis;
    this.vertx = vertx;
    this.channel = config.execution().finishedChannel();
    this.pollInterval = config.execution().waitPollInterval();
    this.safetyPollInterval = config.execution().waitSafetyPollInterval();
    this.migrateOnly = config.migrateOnly();
  }

  void onStart(@Observes StartupEvent event) {
    if (!migrateOnly) {
      subscribe();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    ReactiveRedisSubscriber current = subscriber;
    if (current != null) {
      current.unsubscribe().subscribe().with(ignored -> {}, failure -> {});
    }
  }

  /** True while notifications arrive (otherwise waiters poll PostgreSQL). */
  public boolean subscribed() {
    return subscribed;
  }

  /** Number of requests waiting right now. */
  public int waiting() {
    return waiters.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * Completes with what {@code ended} answers as soon as it answers something other than null (the
   * execution ended), or with null when {@code max} passed first. {@code ended} is always invoked
   * through {@code onContext}, the caller's Vert.x context, since it reads the database; it runs
   * once right after the waiter is registered, after every wake-up and at every poll.
   */
  public <T> Uni<T> await(
      UUID executionId, Duration max, Executor onContext, Supplier<Uni<T>> ended) {
    long deadline = System.nanoTime() + max.toNanos();
    CompletableFuture<Void> signal = new CompletableFuture<>();
    waiters.computeIfAbsent(executionId, id -> ConcurrentHashMap.newKeySet()).add(signal);
    return Uni.createFrom()
        .voidItem()
        .emitOn(onContext)
        .chain(ignored -> ended.get())
        .chain(
            found ->
                found != null
                    ? Uni.createFrom().item(found)
                    : round(signal, deadline, onContext, ended))
        .onTermination()
        .invoke(() -> forget(executionId, signal));
  }

  private <T> Uni<T> round(
      CompletableFuture<Void> signal, long deadline, Executor onContext, Supplier<Uni<T>> ended) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      return Uni.createFrom().nullItem();
    }
    boolean notified = signal.isDone();
    Duration interval = subscribed && !notified ? safetyPollInterval : pollInterval;
    Duration step = Duration.ofNanos(Math.min(remaining, interval.toNanos()));
    Uni<Void> wake =
        notified
            ? Uni.createFrom().voidItem().onItem().delayIt().by(step)
            // a copy: a timeout cancels what it waits on, and the signal must stay intact
            : Uni.createFrom()
                .completionStage(signal.copy())
                .ifNoItem()
                .after(step)
                .recoverWithItem((Void) null);
    return wake.emitOn(onContext)
        .chain(ignored -> ended.get())
        .chain(
            found ->
                found != null
                    ? Uni.createFrom().item(found)
                    : round(signal, deadline, onContext, ended));
  }

  private void forget(UUID executionId, CompletableFuture<Void> signal) {
    waiters.computeIfPresent(
        executionId,
        (id, set) -> {
          set.remove(signal);
          return set.isEmpty() ? null : set;
        });
  }

  private void onFinished(String payload) {
    UUID id;
    try {
      id = UUID.fromString(payload.trim());
    } catch (RuntimeException e) {
      LOG.debugf("ignoring a malformed message on %s", channel);
      return;
    }
    Set<CompletableFuture<Void>> woken = waiters.remove(id);
    if (woken != null) {
      woken.forEach(signal -> signal.complete(null));
    }
  }

  private void subscribe() {
    if (stopping) {
      return;
    }
    redis
        .pubsub(String.class)
        .subscribe(channel, this::onFinished, this::onEnded, this::onBroken)
        .subscribe()
        .with(
            current -> {
              subscriber = current;
              subscribed = true;
              backoff = Duration.ofMillis(250);
              LOG.infof("listening for finished executions on Redis channel %s", channel);
            },
            failure -> {
              subscribed = false;
              LOG.warnf(
                  "cannot subscribe to Redis channel %s (%s); waiting requests poll PostgreSQL",
                  channel, failure.getMessage());
              scheduleResubscribe();
            });
  }

  private void onEnded() {
    subscribed = false;
    if (!stopping) {
      LOG.warnf("Redis subscription to %s ended; resubscribing", channel);
      scheduleResubscribe();
    }
  }

  private void onBroken(Throwable failure) {
    subscribed = false;
    LOG.warnf("Redis subscription to %s failed (%s); resubscribing", channel, failure.getMessage());
    scheduleResubscribe();
  }

  private void scheduleResubscribe() {
    if (stopping || !resubscribeScheduled.compareAndSet(false, true)) {
      return;
    }
    Duration delay = backoff;
    Duration next = delay.multipliedBy(2);
    backoff = next.compareTo(MAX_RESUBSCRIBE_BACKOFF) > 0 ? MAX_RESUBSCRIBE_BACKOFF : next;
    vertx.setTimer(
        Math.max(1, delay.toMillis()),
        timer -> {
          resubscribeScheduled.set(false);
          ReactiveRedisSubscriber previous = subscriber;
          subscriber = null;
          if (previous != null) {
            previous.unsubscribe().subscribe().with(ignored -> {}, failure -> {});
          }
          subscribe();
        });
  }
}
