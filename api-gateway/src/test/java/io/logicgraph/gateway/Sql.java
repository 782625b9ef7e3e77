package io.logicgraph.gateway;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/** Plain JDBC against the suite's database: what tests read back, and the orchestrator's writes. */
final class Sql {
  private final AgroalDataSource database;

  Sql(AgroalDataSource database) {
    this.database = database;
  }

  /** The first row (column label to value, timestamps as OffsetDateTime), or null. */
  Map<String, Object> row(String sql, Object... args) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = prepare(connection, sql, args);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        return null;
      }
      Map<String, Object> row = new HashMap<>();
      for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
        Object value = rows.getObject(i);
        if (value instanceof Timestamp) {
          value = rows.getObject(i, OffsetDateTime.class);
        }
        row.put(rows.getMetaData().getColumnLabel(i), value);
      }
      return row;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long count(String sql, Object... args) {
    Map<String, Object> row = row(sql, args);
    return ((Number) row.values().iterator().next()).longValue();
  }

  int update(String sql, Object... args) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = prepare(connection, sql, args)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... args)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i]);
    }
    return statement;
  }
}
