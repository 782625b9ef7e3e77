package io.logicgraph.gateway.store;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayProblem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Every PostgreSQL round trip of the gateway goes through here: bounded in time, and an outage
 * (refused or lost connection, pool exhausted, server shutting down) becomes a 503 problem instead
 * of an internal error or a hang.
 *
 * <p>Time is bounded in two layers. PostgreSQL itself cancels any statement running longer than
 * {@code gateway.database.operation-timeout} ({@code statement_timeout}, set on every pooled
 * connection by {@link PgPoolTimeouts}): the statement fails on its own connection, the transaction
 * rolls back where it runs, and the request answers 503. Beyond that, a guard answers 503 when the
 * database has not answered at all for twice the operation timeout plus the acquire timeout (a
 * server that stopped answering, a lost network): it fails the request on the request's own Vert.x
 * context and never cancels the work it guards. Cancelling would close a Hibernate Reactive session
 * from the timer's thread while the request's event loop is still running a statement of it (a
 * session is not thread-safe: Hibernate then reports a live transaction closed under it and an
 * entity missing from its persistence context); the abandoned work instead ends on its own context
 * when PostgreSQL answers or the connection drops.
 */
@ApplicationScoped
public class Database {
  private final Mutiny.SessionFactory sessions;
  private final Pool pool;
  private final Vertx vertx;
  private final long guardMillis;

  public Database(Mutiny.SessionFactory sessions, Pool pool, Vertx vertx, GatewayConfig config) {
    this.sessions = sessions;
    this.pool = pool;
    this.vertx = vertx;
    GatewayConfig.DatabaseSettings settings = config.database();
    this.guardMillis =
        settings.operationTimeout().multipliedBy(2).plus(settings.acquireTimeout()).toMillis();
  }

  /** The current time at the precision PostgreSQL stores (microseconds). */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * An executor that resumes work on the caller's Vert.x context. Reactive sessions are bound to
   * the request's context, so a pipeline that waited on another client (a broker confirm, a Redis
   * message, a timer) hops back through this before touching the database again.
   */
  public static Executor currentContextExecutor() {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("not on a Vert.x context");
    }
    return task -> context.runOnContext(ignored -> task.run());
  }

  /** Runs the work in one transaction (committed when the Uni succeeds). */
  public <T> Uni<T> inTransaction(Function<Mutiny.Session, Uni<T>> work) {
    return guarded(() -> sessions.withTransaction(work));
  }

  /** Runs read-only work in a session without an explicit transaction. */
  public <T> Uni<T> read(Function<Mutiny.Session, Uni<T>> work) {
    return guarded(() -> sessions.withSession(work));
  }

  /**
   * Runs one SQL statement on the reactive pool, without Hibernate (each statement is its own
   * transaction): for the hot paths, where one round trip does what a session would need several
   * for.
   */
  public Uni<RowSet<Row>> sql(String statement, Tuple parameters) {
    return guarded(() -> pool.preparedQuery(statement).execute(parameters));
  }

  private <T> Uni<T> guarded(Supplier<Uni<T>> operation) {
    return Uni.createFrom()
        .<T>emitter(
            emitter -> {
              AtomicBoolean settled = new AtomicBoolean();
              // set on the caller's context: the timer fires there, never on another thread
              long timer =
                  vertx.setTimer(
                      guardMillis,
                      ignored -> {
                        if (settled.compareAndSet(false, true)) {
                          emitter.fail(GatewayProblem.databaseUnavailable());
                        }
                      });
              operation
                  .get()
                  .subscribe()
                  .with(
                      item -> {
                        if (settled.compareAndSet(false, true)) {
                          vertx.cancelTimer(timer);
                          emitter.complete(item);
                        }
                      },
                      failure -> {
                        if (settled.compareAndSet(false, true)) {
                          vertx.cancelTimer(timer);
                          emitter.fail(failure);
                        }
                      });
            })
        .onFailure(Database::isOutage)
        .transform(failure -> GatewayProblem.databaseUnavailable());
  }

  /** True when the failure says PostgreSQL is unreachable or unable to serve, not a bad query. */
  public static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketException
          || t instanceof ClosedChannelException
          || t instanceof ClosedConnectionException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exception, 53: insufficient resources, 57P: operator intervention,
        // 57014: statement_timeout cancelled a statement that ran longer than the operation timeout
        if (state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57P")
            || state.equals("57014")) {
          return true;
        }
      }
      // the pool reports an acquire timeout as a bare "Timeout" throwable without a type of its own
      String message = t.getMessage();
      if (message != null
          && (message.startsWith("Timeout")
              || message.contains("Timeout waiting for connection")
              || message.contains("Connection refused"))) {
        return true;
      }
    }
    return false;
  }
}
