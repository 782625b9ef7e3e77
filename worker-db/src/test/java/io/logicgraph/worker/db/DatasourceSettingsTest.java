package io.logicgraph.worker.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasourceSettingsTest {
  @Test
  void environmentVariablesNameDatasourcesInLowercase() {
    DbConfig config = config(Map.of("worker-db.datasources.\"extra\".url", "postgresql://h/extra"));
    Map<String, DatasourceSettings> all =
        DatasourceSettings.resolve(
            Map.of(
                "DATASOURCE_OMS_DB_URL", "postgresql://oms:pa%40ss@db.local:5433/oms",
                "DATASOURCE_OMS_DB_POOL_SIZE", "3",
                "DATASOURCE_OMS_DB_TIMEOUT_MS", "2500",
                "DATASOURCE_LEGACY_URL", "jdbc:postgresql://legacy:5432/old",
                "DATASOURCE_EMPTY_URL", "",
                "PATH", "/usr/bin"),
            config);

    assertThat(all).containsOnlyKeys("oms_db", "legacy", "extra");
    DatasourceSettings oms = all.get("oms_db");
    assertThat(oms.kind()).isEqualTo("postgres");
    assertThat(oms.poolSize()).isEqualTo(3);
    assertThat(oms.timeoutMs()).isEqualTo(2500);
    assertThat(oms.toString())
        .isEqualTo("oms_db (postgres db.local:5433/oms, pool 3, timeout 2500 ms)");
    assertThat(all.get("legacy").poolSize()).isEqualTo(8);
    assertThat(all.get("legacy").url().getScheme()).isEqualTo("postgresql");
    assertThat(all.get("extra").timeoutMs()).isEqualTo(10000);
  }

  @Test
  void environmentWinsOverPropertiesForTheSameName() {
    DbConfig config = config(Map.of("worker-db.datasources.\"oms_db\".url", "postgresql://prop/x"));
    Map<String, DatasourceSettings> all =
        DatasourceSettings.resolve(Map.of("DATASOURCE_OMS_DB_URL", "postgresql://env/y"), config);
    assertThat(all.get("oms_db").url().getHost()).isEqualTo("env");
  }

  @Test
  void redactRemovesPasswordAndUrl() {
    DatasourceSettings ds =
        DatasourceSettings.of("oms_db", "postgresql://oms:pa%40ss@db.local/oms", 1, 1);
    assertThat(ds.redact("failed for postgresql://oms:pa%40ss@db.local/oms with pa@ss"))
        .isEqualTo("failed for <oms_db> with ***");
  }

  @Test
  void unknownSchemesAndBadNumbersAreRejectedWithoutTheUrl() {
    assertThatThrownBy(() -> DatasourceSettings.of("x", "oracle://u:secret@h/db", 1, 1))
        .hasMessageContaining("unknown URL scheme 'oracle'")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () ->
                DatasourceSettings.resolve(
                    Map.of(
                        "DATASOURCE_X_URL", "postgresql://h/x", "DATASOURCE_X_POOL_SIZE", "many"),
                    config(Map.of())))
        .hasMessage("DATASOURCE_X_POOL_SIZE must be an integer");
  }

  @Test
  void everyKindIsKnownByItsUrlScheme() {
    Map<String, String> kinds =
        Map.of(
            "jdbc:mysql://u:p@db:3306/shop", "mysql",
            "mariadb://u:p@db/shop", "mysql",
            "redis://:p@cache:6379/2", "redis",
            "rediss://cache", "redis",
            "mongodb://u:p@m1:27017,m2:27017/orders?replicaSet=rs0", "mongo",
            "mongodb+srv://u:p@cluster.example.com/orders", "mongo");
    kinds.forEach(
        (url, kind) ->
            assertThat(DatasourceSettings.of("x", url, 1, 1).kind()).as(url).isEqualTo(kind));
    assertThat(
            DatasourceSettings.of("docs", "mongodb://u:secret@m1:27017,m2:27017/orders", 2, 500)
                .toString())
        .isEqualTo("docs (mongo m1:27017,m2:27017/orders, pool 2, timeout 500 ms)");
  }

  @Test
  void budgetIsTheTimeoutLoweredToTheDeadline() {
    DatasourceSettings ds = DatasourceSettings.of("x", "redis://h", 1, 5000);
    assertThat(ds.budgetMs(java.time.Instant.now().plusSeconds(60))).isEqualTo(5000);
    assertThat(ds.budgetMs(java.time.Instant.now().plusMillis(1200))).isBetween(900L, 1000L);
    assertThatThrownBy(() -> ds.budgetMs(java.time.Instant.now().plusMillis(100)))
        .isInstanceOfSatisfying(
            io.logicgraph.model.error.LogicGraphException.class,
            e -> {
              assertThat(e.code()).isEqualTo(io.logicgraph.model.error.ErrorCode.E005);
              assertThat(e.retryable()).isTrue();
            });
  }

  private static DbConfig config(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(DbConfig.class)
            .withDefaultValues(properties)
            .build();
    return config.getConfigMapping(DbConfig.class);
  }
}
