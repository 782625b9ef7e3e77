package io.logicgraph.worker.db;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator-configured datasource: name (as graphs use it), kind, where it is, pool size and
 * statement time limit. {@link #toString()} never shows the password.
 */
public record DatasourceSettings(String name, String kind, URI url, int poolSize, int timeoutMs) {
  private static final Pattern ENV_URL = Pattern.compile("DATASOURCE_([A-Z0-9_]+)_URL");

  /** Database kinds by URL scheme; a new kind adds a line here and a {@code Datasource} class. */
  private static final Map<String, String> KINDS =
      Map.of(
          "postgresql", "postgres",
          "postgres", "postgres",
          "mysql", "mysql",
          "mariadb", "mysql",
          "redis", "redis",
          "rediss", "redis",
          "mongodb", "mongo",
          "mongodb+srv", "mongo");

  /** Part of an attempt's remaining time kept for publishing its result after the database call. */
  public static final Duration DEADLINE_MARGIN = Duration.ofMillis(200);

  /**
   * All datasources: environment variables {@code DATASOURCE_<NAME>_URL} (plus optional {@code
   * _POOL_SIZE}, {@code _TIMEOUT_MS}) named by the lowercase {@code NAME}, then the {@code
   * worker-db.datasources} properties for names the environment does not define.
   */
  public static Map<String, DatasourceSettings> resolve(Map<String, String> env, DbConfig config) {
    Map<String, DatasourceSettings> all = new TreeMap<>();
    for (Map.Entry<String, String> variable : env.entrySet()) {
      Matcher matcher = ENV_URL.matcher(variable.getKey());
      if (!matcher.matches() || variable.getValue().isBlank()) {
        continue;
      }
      String upper = matcher.group(1);
      String name = upper.toLowerCase(Locale.ROOT);
      String prefix = "DATASOURCE_" + upper + "_";
      all.put(
          name,
          of(
              name,
              variable.getValue(),
              integer(env, prefix + "POOL_SIZE", config.poolSize()),
              integer(env, prefix + "TIMEOUT_MS", config.timeoutMs())));
    }
    config
        .datasources()
        .forEach(
            (name, properties) ->
                all.putIfAbsent(
                    name,
                    of(
                        name,
                        properties.url(),
                        properties.poolSize().orElse(config.poolSize()),
                        properties.timeoutMs().orElse(config.timeoutMs()))));
    return all;
  }

  public static DatasourceSettings of(String name, String url, int poolSize, int timeoutMs) {
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:")) {
      trimmed = trimmed.substring("jdbc:".length());
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("datasource '" + name + "': the URL is not a valid URI");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String kind = KINDS.get(scheme);
    if (kind == null) {
      throw new IllegalArgumentException(
          "datasource '" + name + "': unknown URL scheme '" + scheme + "'");
    }
    if (poolSize < 1 || timeoutMs < 1) {
      throw new IllegalArgumentException(
          "datasource '" + name + "': pool size and timeout must be positive");
    }
    return new DatasourceSettings(name, kind, uri, poolSize, timeoutMs);
  }

  private static int integer(Map<String, String> env, String key, int fallback) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer");
    }
  }

  /**
   * The time limit in ms of one database call of an attempt: the datasource's limit, lowered to end
   * {@link #DEADLINE_MARGIN} before the attempt's deadline.
   *
   * @throws LogicGraphException E005 (retryable) when no time is left
   */
  public long budgetMs(Instant deadline) {
    long left = Duration.between(Instant.now(), deadline).minus(DEADLINE_MARGIN).toMillis();
    if (left <= 0) {
      throw new LogicGraphException(
          ErrorCode.E005,
          "no time left before the attempt's deadline to call datasource '" + name + "'",
          true,
          "raise the node's timeout_ms");
    }
    return Math.min(timeoutMs, left);
  }

  /** The password in the URL, if any (to keep it out of messages). */
  String password() {
    String userInfo = url.getUserInfo();
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    return colon < 0 ? null : userInfo.substring(colon + 1);
  }

  /** Removes the URL and password from a text that is about to leave the worker. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text.replace(url.toString(), "<" + name + ">");
    String password = password();
    if (password != null && !password.isEmpty()) {
      out = out.replace(password, "***");
      String raw = url.getRawUserInfo().substring(url.getRawUserInfo().indexOf(':') + 1);
      out = out.replace(raw, "***");
    }
    return out;
  }

  /** Host and port; a multi-host authority (MongoDB replica sets) as written, minus credentials. */
  private String where() {
    if (url.getHost() != null) {
      return url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }
    String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority();
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  /** Where the datasource is, without credentials. */
  @Override
  public String toString() {
    return name
        + " ("
        + kind
        + " "
        + where()
        + (url.getPath() == null ? "" : url.getPath())
        + ", pool "
        + poolSize
        + ", timeout "
        + timeoutMs
        + " ms)";
  }
}
