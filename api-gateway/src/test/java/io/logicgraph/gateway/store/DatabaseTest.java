package io.logicgraph.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures are a PostgreSQL outage (503) and which are bugs or bad queries (not 503). */
class DatabaseTest {
  @Test
  void unreachableOrOverloadedPostgresIsAnOutage() {
    assertThat(Database.isOutage(new CompletionException(new ConnectException("refused"))))
        .isTrue();
    assertThat(Database.isOutage(ClosedConnectionException.INSTANCE)).isTrue();
    assertThat(Database.isOutage(new Throwable("Timeout"))).isTrue();
    assertThat(Database.isOutage(pg("57P01"))).as("admin shutdown").isTrue();
    assertThat(Database.isOutage(pg("08006"))).as("connection failure").isTrue();
    assertThat(Database.isOutage(pg("53300"))).as("too many connections").isTrue();
    assertThat(Database.isOutage(pg("57014"))).as("statement_timeout cancelled it").isTrue();
  }

  @Test
  void badQueriesAndBugsAreNot() {
    assertThat(Database.isOutage(pg("23505"))).as("unique violation").isFalse();
    assertThat(Database.isOutage(pg("42P01"))).as("undefined table").isFalse();
    assertThat(Database.isOutage(new IllegalStateException("boom"))).isFalse();
  }

  private static PgException pg(String sqlState) {
    return new PgException("failure " + sqlState, "ERROR", sqlState, null);
  }
}
