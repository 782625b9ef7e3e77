package io.logicgraph.fleet;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL database of the fleet (its state database, or a datasource's), for tests that set
 * data up or read what the services recorded (e.g. {@code node_attempts}).
 */
public final class FleetDatabase {
  private final String name;
  private final String jdbcUrl;
  private final String user;
  private final String password;

  private FleetDatabase(String name, String jdbcUrl, String user, String password) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** The database named by the path of a {@code postgresql://user:password@host:port/db} URL. */
  static FleetDatabase of(URI url) {
    String info = url.getRawUserInfo();
    String user = null;
    String password = null;
    if (info != null) {
      int colon = info.indexOf(':');
      user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
      password =
          colon < 0 ? null : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
    }
    String jdbc =
        "jdbc:postgresql://"
            + url.getHost()
            + ":"
            + (url.getPort() > 0 ? url.getPort() : 5432)
            + url.getRawPath();
    return new FleetDatabase(url.getRawPath().substring(1), jdbc, user, password);
  }

  /** The database's name on the server. */
  public String name() {
    return name;
  }

  /** Runs statements in order (each may hold several, separated by semicolons). */
  public void execute(String... statements) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL on " + name + " failed: " + e.getMessage(), e);
    }
  }

  /** The rows of a query with bound parameters, each as column name → JDBC value. */
  public List<Map<String, Object>> rows(String sql, Object... params) {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        ResultSetMetaData meta = result.getMetaData();
        while (result.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            row.put(meta.getColumnLabel(c), result.getObject(c));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("query on " + name + " failed: " + e.getMessage(), e);
    }
  }

  /** A connection of its own, for a test that holds a transaction open (the caller closes it). */
  Connection open() throws SQLException {
    return connect();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }
}
