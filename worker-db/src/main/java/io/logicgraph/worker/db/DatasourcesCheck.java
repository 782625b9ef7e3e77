package io.logicgraph.worker.db;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when every configured datasource answers a trivial query. */
@Readiness
@ApplicationScoped
public class DatasourcesCheck implements AsyncHealthCheck {
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private final Datasources datasources;

  public DatasourcesCheck(Datasources datasources) {
    this.datasources = datasources;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return Multi.createFrom()
        .iterable(datasources.all())
        .onItem()
        .transformToUniAndMerge(
            ds ->
                ds.ping(PING_TIMEOUT)
                    .map(ignored -> Map.entry(ds.settings().name(), "up"))
                    .onFailure()
                    .recoverWithItem(e -> Map.entry(ds.settings().name(), "down")))
        .collect()
        .asMap(Map.Entry::getKey, Map.Entry::getValue)
        .map(
            states -> {
              HealthCheckResponseBuilder response = HealthCheckResponse.named("datasources");
              new TreeMap<>(states).forEach(response::withData);
              return response.status(!states.containsValue("down")).build();
            });
  }
}
