package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.MigrateOnly;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * {@code LGF_BOOTSTRAP_API_KEY} (and {@code LGF_BOOTSTRAP_TENANT}): the key is made sure of at
 * start, stored hashed like any other; starting again with the same key changes nothing, and a
 * bootstrap key an operator revoked stays revoked. The gateway does not start when it cannot store
 * the key.
 */
@ApplicationScoped
public class BootstrapKey {
  private static final Logger LOG = Logger.getLogger(BootstrapKey.class);

  private final ApiKeys keys;
  private final GatewayConfig config;
  private final MigrateOnly migrateOnly;

  public BootstrapKey(ApiKeys keys, GatewayConfig config, MigrateOnly migrateOnly) {
    this.keys = keys;
    this.config = config;
    this.migrateOnly = migrateOnly;
  }

  void onStart(@Observes StartupEvent event) {
    var key = config.auth().bootstrapKey().filter(k -> !k.isBlank());
    if (key.isEmpty() || migrateOnly.exitAfterStart()) {
      return;
    }
    String tenant = config.auth().bootstrapTenant();
    if (!Tenants.isValid(tenant)) {
      throw new IllegalStateException("LGF_BOOTSTRAP_TENANT must be " + Tenants.RULE);
    }
    if (key.get().length() < 16 || key.get().length() > ApiKeys.MAX_LENGTH) {
      throw new IllegalStateException(
          "LGF_BOOTSTRAP_API_KEY must be 16 to " + ApiKeys.MAX_LENGTH + " characters long");
    }
    ApiKeys.ApiKey stored =
        keys.ensure(key.get().trim(), tenant, "bootstrap")
            .onFailure()
            .retry()
            .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(5))
            .atMost(10)
            .await()
            .atMost(Duration.ofMinutes(2));
    if (stored.revokedAt() != null) {
      LOG.warnf("the bootstrap API key %s was revoked and stays revoked", stored.id());
    } else if (!stored.tenant().equals(tenant)) {
      LOG.warnf(
          "the bootstrap API key %s belongs to tenant %s, not %s; left as it is",
          stored.id(), stored.tenant(), tenant);
    } else {
      LOG.infof("bootstrap API key %s ready for tenant %s", stored.id(), tenant);
    }
  }
}
