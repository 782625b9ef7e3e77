package io.logicgraph.model.broker;

import java.time.Duration;
import java.util.Objects;
import org.eclipse.microprofile.config.Config;

/**
 * Where the broker is and how patient to be with it. Read from the same keys every service uses
 * ({@code rabbitmq-host}, {@code rabbitmq-port}, {@code rabbitmq-username}, {@code
 * rabbitmq-password}, {@code rabbitmq-virtual-host}; {@code RABBITMQ_URL} is translated to them by
 * {@link io.logicgraph.model.config.ServiceUrlConfigSource}).
 *
 * @param recoveryInterval pause between two attempts to reconnect after the connection was lost
 * @param confirmTimeout how long a publish may wait for the broker's confirm before it fails
 */
public record BrokerSettings(
    String host,
    int port,
    String username,
    String password,
    String virtualHost,
    Duration recoveryInterval,
    Duration confirmTimeout) {

  public BrokerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(virtualHost, "virtualHost");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("rabbitmq-port must be 1-65535, not " + port);
    }
    if (recoveryInterval.isNegative() || recoveryInterval.isZero()) {
      throw new IllegalArgumentException("the recovery interval must be positive");
    }
    if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
      throw new IllegalArgumentException("the confirm timeout must be positive");
    }
  }

  /** Settings for a local broker with the default account (tests). */
  public static BrokerSettings local(int port, String virtualHost) {
    return new BrokerSettings(
        "127.0.0.1",
        port,
        "guest",
        "guest",
        virtualHost,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10));
  }

  /** Reads the settings from the service configuration. */
  public static BrokerSettings from(Config config) {
    return new BrokerSettings(
        config.getOptionalValue("rabbitmq-host", String.class).orElse("localhost"),
        config.getOptionalValue("rabbitmq-port", Integer.class).orElse(5672),
        config.getOptionalValue("rabbitmq-username", String.class).orElse("guest"),
        config.getOptionalValue("rabbitmq-password", String.class).orElse("guest"),
        config.getOptionalValue("rabbitmq-virtual-host", String.class).orElse("/"),
        config
            .getOptionalValue("lgf.broker.recovery-interval", Duration.class)
            .orElse(Duration.ofSeconds(1)),
        config
            .getOptionalValue("lgf.broker.confirm-timeout", Duration.class)
            .orElse(Duration.ofSeconds(10)));
  }

  /** The settings with another virtual host. */
  public BrokerSettings withVirtualHost(String other) {
    return new BrokerSettings(
        host, port, username, password, other, recoveryInterval, confirmTimeout);
  }

  @Override
  public String toString() {
    // Never the password.
    return "amqp://" + username + "@" + host + ":" + port + "/" + virtualHost;
  }
}
