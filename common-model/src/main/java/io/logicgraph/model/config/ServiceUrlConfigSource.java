package io.logicgraph.model.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the fleet's documented connection variables ({@code POSTGRES_URL}, {@code REDIS_URL},
 * {@code RABBITMQ_URL}) into the framework's own properties, so operators set one URL per
 * dependency. Ordinal 275: above {@code application.properties}, below explicit environment
 * variables and system properties.
 */
public class ServiceUrlConfigSource implements ConfigSource {
  private final Map<String, String> properties;

  public ServiceUrlConfigSource() {
    this(System::getenv);
  }

  ServiceUrlConfigSource(Function<String, String> env) {
    this.properties = Map.copyOf(translate(env));
  }

  /** The framework properties derived from the given environment lookup. */
  public static Map<String, String> translate(Function<String, String> env) {
    Map<String, String> out = new HashMap<>();
    String postgres = env.apply("POSTGRES_URL");
    if (postgres != null && !postgres.isBlank()) {
      URI uri = URI.create(postgres.trim());
      String hostPortDb =
          uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath();
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      out.put("quarkus.datasource.reactive.url", "postgresql://" + hostPortDb + query);
      out.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPortDb + query);
      putCredentials(out, uri, "quarkus.datasource.username", "quarkus.datasource.password");
    }
    String redis = env.apply("REDIS_URL");
    if (redis != null && !redis.isBlank()) {
      out.put("quarkus.redis.hosts", redis.trim());
    }
    String rabbit = env.apply("RABBITMQ_URL");
    if (rabbit != null && !rabbit.isBlank()) {
      URI uri = URI.create(rabbit.trim());
      out.put("rabbitmq-host", uri.getHost());
      out.put("rabbitmq-port", String.valueOf(uri.getPort() > 0 ? uri.getPort() : 5672));
      putCredentials(out, uri, "rabbitmq-username", "rabbitmq-password");
      String vhost = uri.getRawPath();
      if (vhost != null && vhost.length() > 1) {
        out.put("rabbitmq-virtual-host", decode(vhost.substring(1)));
      }
    }
    return out;
  }

  private static void putCredentials(
      Map<String, String> out, URI uri, String userKey, String passwordKey) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return;
    }
    int colon = userInfo.indexOf(':');
    out.put(userKey, decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
    if (colon >= 0) {
      out.put(passwordKey, decode(userInfo.substring(colon + 1)));
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
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
    return "logic-graph-service-urls";
  }

  @Override
  public int getOrdinal() {
    return 275;
  }
}
