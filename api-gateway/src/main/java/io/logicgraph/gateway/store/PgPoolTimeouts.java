package io.logicgraph.gateway.store;

import io.logicgraph.gateway.GatewayConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates the reactive PostgreSQL pool with short connect and acquire timeouts, which Quarkus does
 * not expose as properties: with the client defaults (60 s connect, 30 s acquire) a request would
 * hang while PostgreSQL is unreachable instead of answering 503. Every connection also starts with
 * {@code statement_timeout} set to the operation timeout, so PostgreSQL cancels a statement that
 * runs (or waits for a lock) longer than that and the request fails on its own connection (see
 * {@link Database}).
 */
@Singleton
public class PgPoolTimeouts implements PgPoolCreator {
  private final GatewayConfig.DatabaseSettings settings;

  public PgPoolTimeouts(GatewayConfig config) {
    this.settings = config.database();
  }

  @Override
  @SuppressWarnings("deprecation") // the recorder casts the result to PgPool
  public Pool create(Input input) {
    PoolOptions pool =
        input
            .poolOptions()
            .setConnectionTimeout((int) settings.acquireTimeout().toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    List<PgConnectOptions> connect = input.pgConnectOptionsList();
    String statementTimeout = settings.operationTimeout().toMillis() + "ms";
    connect.forEach(
        options ->
            options
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .addProperty("statement_timeout", statementTimeout));
    return PgPool.pool(input.vertx(), connect, pool);
  }
}
