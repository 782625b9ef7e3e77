package io.logicgraph.gateway.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * {@code LGF_JWT_PUBLIC_KEY_LOCATION}, {@code LGF_JWT_ISSUER} and {@code LGF_JWT_AUDIENCE} as
 * smallrye-jwt's {@code mp.jwt.verify.*} properties, only when they are set: an empty value would
 * not mean "off" to smallrye-jwt but stop the gateway from starting. Ordinal 275: above {@code
 * application.properties}, below explicit environment variables and system properties.
 */
public class JwtConfigSource implements ConfigSource {
  private static final Map<String, String> VARIABLES =
      Map.of(
          "LGF_JWT_PUBLIC_KEY_LOCATION", "mp.jwt.verify.publickey.location",
          "LGF_JWT_ISSUER", "mp.jwt.verify.issuer",
          "LGF_JWT_AUDIENCE", "mp.jwt.verify.audiences");

  private final Map<String, String> properties;

  public JwtConfigSource() {
    this(System::getenv);
  }

  JwtConfigSource(Function<String, String> env) {
    Map<String, String> out = new HashMap<>();
    VARIABLES.forEach(
        (variable, property) -> {
          String value = env.apply(variable);
          if (value != null && !value.isBlank()) {
            out.put(property, value.trim());
          }
        });
    this.properties = Map.copyOf(out);
  }

  @Override
  public Map<String, String> getProperties() {
    return properties;
  }

  @Override
  public Set<String> getPropertyNames() {
    return properties.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return properties.get(propertyName);
  }

  @Override
  public String getName() {
    return "lgf-jwt-environment";
  }

  @Override
  public int getOrdinal() {
    return 275;
  }
}
