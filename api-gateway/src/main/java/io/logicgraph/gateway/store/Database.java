package io.logicgraph.gateway.store;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayProblem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Every PostgreSQL round trip of the gateway goes through here: bounded in time, and an outage
 * (refused or lost connection, pool exhausted, server shutting down) becomes a 503 problem instead
 * of an internal error or a hang.
 */
@ApplicationScoped
public class Database {
  private final Mutiny.SessionFactory sessions;
  private final Duration timeout;

  public Database(Mutiny.SessionFactory sessions, GatewayConfig config) {
    this.sessions = sessions;
    this.timeout = config.database().operationTimeout();
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
    return guarded(sessions.withTransaction(work));
  }

  /** Runs read-only work in a session without an explicit transaction. */
  public <T> Uni<T> read(Function<Mutiny.Session, Uni<T>> work) {
    return guarded(sessions.withSession(work));
  }

  private <T> Uni<T> guarded(Uni<T> operation) {
    return operation
        .ifNoItem()
        .after(timeout)
        .failWith(GatewayProblem::databaseUnavailable)
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
        // 08: connection exception, 53: insufficient resources, 57P: operator intervention
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
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
