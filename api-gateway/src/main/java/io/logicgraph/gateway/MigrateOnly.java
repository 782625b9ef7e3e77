package io.logicgraph.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

/**
 * The migration Job runs the gateway image with {@code LGF_MIGRATE_ONLY=true}: Flyway migrates
 * PostgreSQL while the application starts (a failed migration aborts the start, so the process
 * exits non-zero), then this observer ends the process with 0. In that mode the gateway needs
 * PostgreSQL only: it neither connects to the broker nor subscribes to Redis.
 */
@ApplicationScoped
public class MigrateOnly {
  private static final Logger LOG = Logger.getLogger(MigrateOnly.class);

  private final boolean enabled;

  public MigrateOnly(GatewayConfig config) {
    this.enabled = config.migrateOnly();
  }

  /** True when the process should exit as soon as it started. */
  public boolean exitAfterStart() {
    return enabled;
  }

  // before every other startup observer: nothing else has to happen in this mode
  void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
    if (exitAfterStart()) {
      LOG.info("database migrations applied; exiting (migrate-only mode)");
      Quarkus.asyncExit(0);
    }
  }
}
