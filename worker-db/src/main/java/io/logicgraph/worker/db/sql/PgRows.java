package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.message.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Interval;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/**
 * PostgreSQL rows as JSON objects with faithful types: integers as integers, numeric as exact
 * decimals, floats as numbers, booleans, text, date/time values as ISO-8601 strings, uuid as a
 * string, json/jsonb as the JSON value itself, arrays as arrays, bytea as base64, SQL NULL as null.
 */
public final class PgRows {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private PgRows() {}

  public static ObjectNode toJson(Row row) {
    ObjectNode object = NODES.objectNode();
    for (int i = 0; i < row.size(); i++) {
      object.set(row.getColumnName(i), value(row.getValue(i)));
    }
    return object;
  }

  static JsonNode value(Object value) {
    if (value == null || value == Tuple.JSON_NULL) {
      return NODES.nullNode();
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Short || value instanceof Integer) {
      return NODES.numberNode(((Number) value).intValue());
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Float || value instanceof Double) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(String.valueOf(d));
    }
    if (value instanceof Numeric numeric) {
      return numeric.isNaN() ? NODES.textNode("NaN") : NODES.numberNode(numeric.bigDecimalValue());
    }
    if (value instanceof BigDecimal decimal) {
      return NODES.numberNode(decimal);
    }
    if (value instanceof Number number) {
      return NODES.numberNode(new BigDecimal(number.toString()));
    }
    if (value instanceof String text) {
      return NODES.textNode(text);
    }
    if (value instanceof UUID uuid) {
      return NODES.textNode(uuid.toString());
    }
    if (value instanceof LocalDate date) {
      return NODES.textNode(DateTimeFormatter.ISO_LOCAL_DATE.format(date));
    }
    if (value instanceof LocalDateTime dateTime) {
      return NODES.textNode(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(dateTime));
    }
    if (value instanceof OffsetDateTime dateTime) {
      return NODES.textNode(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dateTime));
    }
    if (value instanceof LocalTime time) {
      return NODES.textNode(DateTimeFormatter.ISO_LOCAL_TIME.format(time));
    }
    if (value instanceof OffsetTime time) {
      return NODES.textNode(DateTimeFormatter.ISO_OFFSET_TIME.format(time));
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return parse(value.toString());
    }
    if (value instanceof Buffer buffer) {
      return NODES.textNode(Base64.getEncoder().encodeToString(buffer.getBytes()));
    }
    if (value instanceof Interval interval) {
      return NODES.textNode(iso(interval));
    }
    if (value.getClass().isArray()) {
      ArrayNode array = NODES.arrayNode();
      for (int i = 0; i < Array.getLength(value); i++) {
        array.add(value(Array.get(value, i)));
      }
      return array;
    }
    // Geometric types, inet, money, ranges...: their PostgreSQL text form.
    return NODES.textNode(value.toString());
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return NODES.textNode(json);
    }
  }

  /** An interval as an ISO-8601 duration, e.g. {@code P1Y2M3DT4H5M6.5S}. */
  private static String iso(Interval i) {
    StringBuilder out = new StringBuilder("P");
    if (i.getYears() != 0) {
      out.append(i.getYears()).append('Y');
    }
    if (i.getMonths() != 0) {
      out.append(i.getMonths()).append('M');
    }
    if (i.getDays() != 0) {
      out.append(i.getDays()).append('D');
    }
    long micros = i.getMicroseconds();
    if (i.getHours() != 0 || i.getMinutes() != 0 || i.getSeconds() != 0 || micros != 0) {
      out.append('T');
      if (i.getHours() != 0) {
        out.append(i.getHours()).append('H');
      }
      if (i.getMinutes() != 0) {
        out.append(i.getMinutes()).append('M');
      }
      if (i.getSeconds() != 0 || micros != 0) {
        BigDecimal seconds =
            BigDecimal.valueOf(i.getSeconds())
                .add(BigDecimal.valueOf(micros, 6))
                .stripTrailingZeros();
        out.append(seconds.toPlainString()).append('S');
      }
    }
    return out.length() == 1 ? "PT0S" : out.toString();
  }
}
