package io.logicgraph.gateway.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * smallrye-jwt skips the issuer and audience checks when they are not configured: a gateway given a
 * JWT verification key without both would accept any token the key signed. It refuses to start.
 */
@ApplicationScoped
public class JwtSettingsCheck {
  private static final Logger LOG = Logger.getLogger(JwtSettingsCheck.class);

  private final Config config;

  public JwtSettingsCheck(Config config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    boolean keyed =
        present("mp.jwt.verify.publickey.location") || present("mp.jwt.verify.publickey");
    if (!keyed) {
      LOG.info("JWT bearer tokens are off (no LGF_JWT_PUBLIC_KEY_LOCATION); API keys only");
      return;
    }
    if (!present("mp.jwt.verify.issuer") || !present("mp.jwt.verify.audiences")) {
      throw new IllegalStateException(
          "a JWT verification key is configured without its issuer or audience:"
              + " set LGF_JWT_ISSUER and LGF_JWT_AUDIENCE too");
    }
  }

  private boolean present(String name) {
    Optional<String> value = config.getOptionalValue(name, String.class);
    return value.isPresent() && !value.get().isBlank();
  }
}
