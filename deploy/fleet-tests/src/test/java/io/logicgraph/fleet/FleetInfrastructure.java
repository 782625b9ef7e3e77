package io.logicgraph.fleet;

import io.logicgraph.model.testing.TestInfrastructure;
import io.logicgraph.model.testing.TestInfrastructure.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleet's own slice of RabbitMQ, PostgreSQL and Redis, emptied at every start: a virtual host,
 * a state database, a Redis database index, and the datasources of worker-db with their rows. The
 * endpoints come from the shared test-infrastructure switch (local services or containers).
 *
 * <p>Datasources: {@code shop_db} (database {@code <name>_shop}, table {@code products}); {@code
 * remote_db}, the same database reached through a {@link TcpLink} a test can cut; and, when the
 * purchasing-flow example is present, {@code oms_db}, {@code inventory_db}, {@code supplier_db} and
 * {@code uom_db} (databases {@code <name>_oms}, ...) filled by the example's own {@code
 * schema.sql}.
 */
final class FleetInfrastructure {
  /**
   * Redis database index of the fleet's hot state, away from index 0 used by local runs (system
   * property fleet.redisDatabase, default 1; two fleets on one Redis need two indexes).
   */
  private static final int REDIS_DATABASE =
      Integer.getInteger(
          "fleet.redisDatabase",
          Integer.parseInt(System.getenv().getOrDefault("FLEET_REDIS_DATABASE", "1")));

  /**
   * The purchasing-flow example's psql script: one section per datasource after {@code \connect}.
   */
  static final String PURCHASING_SCHEMA = "docs/examples/purchasing-flow/schema.sql";

  private final Map<String, String> environment;
  private final Map<String, String> datasources;
  private final Map<String, FleetDatabase> databases;

  private FleetInfrastructure(
      Map<String, String> environment,
      Map<String, String> datasources,
      Map<String, FleetDatabase> databases) {
    this.environment = environment;
    this.datasources = datasources;
    this.databases = databases;
  }

  /**
   * Resets and returns the infrastructure named {@code name} (vhost, databases); {@code remote_db}
   * goes through the given link, which this call points at the PostgreSQL server.
   */
  static FleetInfrastructure prepare(String name, Path root, int linkPort, Endpoints base) {
    String database = name.replaceAll("[^A-Za-z0-9_]", "_");
    Endpoints endpoints = isolated(base, name);
    URI postgres = URI.create(endpoints.postgresUrl());
    Map<String, String> datasources = new LinkedHashMap<>();
    Map<String, FleetDatabase> databases = new LinkedHashMap<>();

    recreateDatabase(postgres, database);
    databases.put("state", FleetDatabase.of(URI.create(withPath(postgres, "/" + database))));

    recreateDatabase(postgres, database + "_shop");
    String shopUrl = withPath(postgres, "/" + database + "_shop");
    FleetDatabase shop = FleetDatabase.of(URI.create(shopUrl));
    fillShop(shop);
    databases.put(Fleet.SHOP_DB, shop);
    datasources.put(Fleet.SHOP_DB, shopUrl);
    datasources.put(Fleet.REMOTE_DB, withHostPort(URI.create(shopUrl), "127.0.0.1", linkPort));

    Path schema = root.resolve(PURCHASING_SCHEMA);
    if (Files.isRegularFile(schema)) {
      for (Map.Entry<String, String> section : psqlSections(schema).entrySet()) {
        String datasource = section.getKey();
        String db = database + "_" + datasource.replaceFirst("_db$", "");
        recreateDatabase(postgres, db);
        String url = withPath(postgres, "/" + db);
        FleetDatabase target = FleetDatabase.of(URI.create(url));
        target.execute(section.getValue());
        databases.put(datasource, target);
        datasources.put(datasource, url);
      }
    }
    flushRedis(URI.create(endpoints.redisUrl()));

    Map<String, String> env = new LinkedHashMap<>(endpoints.environment());
    env.put("POSTGRES_URL", withPath(postgres, "/" + database));
    env.put("REDIS_URL", withPath(URI.create(endpoints.redisUrl()), "/" + REDIS_DATABASE));
    return new FleetInfrastructure(
        Map.copyOf(env), Collections.unmodifiableMap(datasources), Map.copyOf(databases));
  }

  /** POSTGRES_URL, REDIS_URL and RABBITMQ_URL of this fleet. */
  Map<String, String> environment() {
    return environment;
  }

  /** Datasource name → URL, in the form worker-db reads from DATASOURCE_<NAME>_URL. */
  Map<String, String> datasources() {
    return datasources;
  }

  /** {@code state} (the services' database) and each datasource's database, by datasource name. */
  Map<String, FleetDatabase> databases() {
    return databases;
  }

  /**
   * The sections of a psql script that switches databases with {@code \connect <db>}: database name
   * → the SQL up to the next {@code \connect}. Text before the first one is ignored.
   */
  static Map<String, String> psqlSections(Path script) {
    Map<String, String> sections = new LinkedHashMap<>();
    String current = null;
    StringBuilder sql = new StringBuilder();
    try {
      for (String line : Files.readAllLines(script, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        if (trimmed.startsWith("\\connect ") || trimmed.startsWith("\\c ")) {
          if (current != null) {
            sections.put(current, sql.toString());
          }
          current = trimmed.split("\\s+")[1];
          sql.setLength(0);
        } else if (trimmed.startsWith("\\")) {
          throw new IllegalArgumentException(
              script + ": psql command not understood by the fleet: " + trimmed);
        } else if (current != null) {
          sql.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (current != null) {
      sections.put(current, sql.toString());
    }
    return sections;
  }

  /**
   * The endpoints with RabbitMQ on a fresh virtual host {@code vhost}: deleted with its queues
   * (leftovers of an aborted run), then created by {@link TestInfrastructure#isolated}.
   */
  private static Endpoints isolated(Endpoints base, String vhost) {
    String path = "/api/vhosts/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8);
    managementCall(base.rabbitmqManagementUrl(), "DELETE", path, null);
    if (base.equals(TestInfrastructure.endpoints())) {
      return TestInfrastructure.isolatedExactly(vhost);
    }
    // Private servers (a fault test's own broker): the same steps on that broker.
    managementCall(base.rabbitmqManagementUrl(), "PUT", path, "{}");
    managementCall(
        base.rabbitmqManagementUrl(),
        "PUT",
        "/api/permissions/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "/guest",
        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    String url = base.rabbitmqUrl().replaceAll("/[^/:@]*$", "");
    if (url.matches("amqp://[^/]*")) {
      url = base.rabbitmqUrl();
    }
    return new Endpoints(
        base.postgresUrl(),
        base.redisUrl(),
        url + "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8),
        base.rabbitmqManagementUrl());
  }

  static void managementCall(String managementUrl, String method, String path, String body) {
    String auth =
        Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(managementUrl + path))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      // HTTP/1.1: RabbitMQ's management server drops requests that ask for an h2c upgrade.
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300
          && !(method.equals("DELETE") && response.statusCode() == 404)) {
        throw new IllegalStateException(
            "RabbitMQ management answered " + response.statusCode() + " to " + method + " " + path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach RabbitMQ management at " + managementUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void recreateDatabase(URI server, String database) {
    FleetDatabase.of(server)
        .execute(
            "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", "CREATE DATABASE " + database);
  }

  private static void fillShop(FleetDatabase shop) {
    shop.execute(
        "CREATE TABLE products (id text PRIMARY KEY, name text NOT NULL,"
            + " price numeric(10, 2) NOT NULL, stock integer NOT NULL)",
        "INSERT INTO products (id, name, price, stock) VALUES"
            + " ('P-100', 'Espresso beans 1 kg', 18.50, 42),"
            + " ('P-200', 'Milk frother', 34.90, 5),"
            + " ('P-300', 'Paper filters (100)', 3.20, 0)");
  }

  private static void flushRedis(URI redis) {
    String[] credentials = credentials(redis);
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379),
          3000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      int replies = 2;
      StringBuilder commands = new StringBuilder();
      if (credentials[1] != null) {
        commands.append(resp("AUTH", credentials[1]));
        replies++;
      }
      commands.append(resp("SELECT", String.valueOf(REDIS_DATABASE))).append(resp("FLUSHDB"));
      out.write(commands.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (int i = 0; i < replies; i++) {
        String reply = readLine(in);
        if (!reply.startsWith("+")) {
          throw new IllegalStateException("Redis answered " + reply);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach Redis at " + redis.getHost(), e);
    }
  }

  /** Every key of the Redis database of the URL's path with its values (streams: every entry). */
  static String dumpRedis(URI redis) {
    String[] credentials = credentials(redis);
    String database =
        redis.getPath() == null || redis.getPath().length() < 2
            ? "0"
            : redis.getPath().substring(1);
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379),
          3000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      int replies = 1;
      StringBuilder commands = new StringBuilder();
      if (credentials[1] != null) {
        commands.append(resp("AUTH", credentials[1]));
        replies++;
      }
      commands.append(resp("SELECT", database)).append(resp("EVAL", DUMP_SCRIPT, "0"));
      out.write(commands.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (int i = 0; i < replies; i++) {
        String reply = readLine(in);
        if (!reply.startsWith("+")) {
          throw new IllegalStateException("Redis answered " + reply);
        }
      }
      String header = readLine(in);
      if (!header.startsWith("$")) {
        throw new IllegalStateException("Redis answered " + header);
      }
      byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach Redis at " + redis.getHost(), e);
    }
  }

  /** Lua: each key, then its values, one per line. */
  private static final String DUMP_SCRIPT =
      "local out = {} "
          + "for _, k in ipairs(redis.call('KEYS', '*')) do "
          + "local t = redis.call('TYPE', k).ok "
          + "table.insert(out, '== ' .. k .. ' (' .. t .. ')') "
          + "local values = {} "
          + "if t == 'string' then values = {redis.call('GET', k)} "
          + "elseif t == 'hash' then values = redis.call('HGETALL', k) "
          + "elseif t == 'list' then values = redis.call('LRANGE', k, 0, -1) "
          + "elseif t == 'set' then values = redis.call('SMEMBERS', k) "
          + "elseif t == 'zset' then values = redis.call('ZRANGE', k, 0, -1) "
          + "elseif t == 'stream' then "
          + "for _, e in ipairs(redis.call('XRANGE', k, '-', '+')) do "
          + "table.insert(values, e[1]) "
          + "for _, v in ipairs(e[2]) do table.insert(values, v) end end end "
          + "for _, v in ipairs(values) do table.insert(out, v) end end "
          + "return table.concat(out, '\\n')";

  private static String resp(String... words) {
    StringBuilder command = new StringBuilder("*").append(words.length).append("\r\n");
    for (String word : words) {
      command
          .append('$')
          .append(word.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(word)
          .append("\r\n");
    }
    return command.toString();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** user and password (either may be null) from the URI's user info. */
  private static String[] credentials(URI uri) {
    String info = uri.getRawUserInfo();
    if (info == null) {
      return new String[] {null, null};
    }
    int colon = info.indexOf(':');
    String user = colon < 0 ? info : info.substring(0, colon);
    String password = colon < 0 ? null : info.substring(colon + 1);
    return new String[] {
      user.isEmpty() ? null : URLDecoder.decode(user, StandardCharsets.UTF_8),
      password == null ? null : URLDecoder.decode(password, StandardCharsets.UTF_8)
    };
  }

  private static String withHostPort(URI uri, String host, int port) {
    return uri.getScheme()
        + "://"
        + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
        + host
        + ":"
        + port
        + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private static String withPath(URI uri, String path) {
    return uri.getScheme()
        + "://"
        + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
