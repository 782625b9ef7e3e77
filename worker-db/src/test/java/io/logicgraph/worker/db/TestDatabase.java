package io.logicgraph.worker.db;

import io.logicgraph.model.testing.TestInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A database of this module's tests in the local PostgreSQL (created by user logic_graph, which has
 * CREATEDB), with a table holding every column type the worker maps.
 */
public final class TestDatabase {
  public static final String NAME = "worker_db_test";

  private static final String SCHEMA =
      """
      DROP TABLE IF EXISTS all_types, items, notes;
      CREATE TABLE all_types (
        id int PRIMARY KEY, small smallint, big bigint, amount numeric(14,4), ratio real,
        score double precision, flag boolean, label text, code varchar(10), created_at timestamp,
        updated_at timestamptz, day date, at_time time, uid uuid, doc json, docb jsonb,
        tags text[], nums int[], blob bytea, span interval);
      INSERT INTO all_types VALUES
        (1, 7, 9007199254740993, 12345.6789, 0.5, 2.25, true, 'héllo', 'A1',
         '2024-03-01 10:00:00', '2024-03-01 10:00:00.123+02', '2024-03-01', '10:11:12',
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": {"c": null}}',
         ARRAY['x', 'y'], ARRAY[1, 2, 3], '\\x00ff', '1 day 2 hours 0.5 seconds'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL);
      CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL);
      INSERT INTO items SELECT i, 'item-' || i, i * 10 FROM generate_series(1, 25) AS i;
      CREATE TABLE notes (id serial PRIMARY KEY, note text NOT NULL);
      """;

  private TestDatabase() {}

  /** The admin URL (the platform database) the test database is created from. */
  public static String adminUrl() {
    return TestInfrastructure.endpoints().postgresUrl();
  }

  /** {@code postgresql://user:pass@host:port/worker_db_test}. */
  public static String url() {
    return adminUrl().replaceAll("/[^/?]*(\\?.*)?$", "/" + NAME);
  }

  /** Creates the database if missing and (re)creates its tables. */
  public static synchronized void prepare() {
    Vertx vertx = Vertx.vertx();
    try {
      PgConnection admin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(adminUrl())));
      boolean exists =
          await(
                      admin
                          .preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1")
                          .execute(io.vertx.sqlclient.Tuple.of(NAME)))
                  .size()
              > 0;
      if (!exists) {
        await(admin.query("CREATE DATABASE " + NAME).execute());
      }
      await(admin.close());
      PgConnection db = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(url())));
      await(db.query(SCHEMA).execute());
      await(db.close());
    } finally {
      vertx.close();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test database setup failed: " + e.getMessage(), e);
    }
  }
}
