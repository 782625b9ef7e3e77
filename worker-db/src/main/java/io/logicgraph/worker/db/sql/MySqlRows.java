package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Duration;

/**
 * MySQL/MariaDB rows as JSON objects: integers (also TINYINT, YEAR, BIT, BIGINT UNSIGNED) as
 * integers, DECIMAL as exact decimals, FLOAT/DOUBLE as numbers, DATE/DATETIME/TIMESTAMP as ISO-8601
 * strings, TIME as {@code [-]HH:MM:SS[.ffffff]}, MySQL's JSON type as the JSON value, text as
 * strings, binary as base64, NULL as null. The client does not report a column's display width, so
 * BOOLEAN (TINYINT(1)) arrives as 0/1; MariaDB's JSON is an alias of LONGTEXT, so it arrives as
 * text.
 */
public final class MySqlRows {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private MySqlRows() {}

  public static ObjectNode toJson(Row row) {
    ObjectNode object = NODES.objectNode();
    for (int i = 0; i < row.size(); i++) {
      object.set(row.getColumnName(i), value(row.getValue(i)));
    }
    return object;
  }

  static JsonNode value(Object value) {
    if (value instanceof Byte b) {
      return NODES.numberNode(b.intValue());
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
    }
    if (value instanceof Duration time) {
      return NODES.textNode(time(time));
    }
    return PgRows.value(value);
  }

  /** A TIME value as MySQL writes it: hours may exceed 23 and the value may be negative. */
  private static String time(Duration time) {
    Duration abs = time.abs();
    long seconds = abs.getSeconds();
    StringBuilder out = new StringBuilder(time.isNegative() ? "-" : "");
    out.append(String.format("%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60));
    int nanos = abs.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
      out.append('.').append(fraction);
    }
    return out.toString();
  }
}
