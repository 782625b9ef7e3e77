package io.logicgraph.worker.db.sql;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.context.ContextPath;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Turns a SQL node's {@code params} (context paths, bound positionally: {@code $1..$n} in
 * PostgreSQL, {@code ?} in MySQL) into values for the driver. SQL text never receives context
 * values: only bound parameters do.
 */
public final class SqlParameters {
  private SqlParameters() {}

  /**
   * The values of the node's parameters for PostgreSQL ({@code $1..$n}), in order, as driver values
   * (see {@link #toDriverValue}).
   */
  public static List<Object> bind(String nodeId, JsonNode params, JsonNode context) {
    List<Object> values = new ArrayList<>();
    for (JsonNode value : resolve(nodeId, params, context, i -> "$" + i)) {
      values.add(toDriverValue(value));
    }
    return values;
  }

  /**
   * The context values of the node's parameters, in order. A path absent from the context fails the
   * node with E010 naming it (never silently dropped); a path present with JSON null yields JSON
   * null (SQL NULL).
   *
   * @param placeholder how the query writes the i-th parameter (1-based), for messages
   */
  public static List<JsonNode> resolve(
      String nodeId, JsonNode params, JsonNode context, IntFunction<String> placeholder) {
    List<JsonNode> values = new ArrayList<>();
    if (params == null || params.isNull()) {
      return values;
    }
    if (!params.isArray()) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "params of node '" + nodeId + "' must be a list of context paths",
          false,
          "e.g. params: [product_id]");
    }
    for (int i = 0; i < params.size(); i++) {
      JsonNode param = params.get(i);
      if (!param.isTextual() || param.asText().isBlank()) {
        throw new LogicGraphException(
            ErrorCode.E004,
            "parameter "
                + placeholder.apply(i + 1)
                + " of node '"
                + nodeId
                + "' is not a context path",
            false,
            "params name context paths, e.g. [product_id, order.lines.0.sku]");
      }
      String path = param.asText();
      JsonNode value = ContextPath.resolve(context, path);
      if (value.isMissingNode()) {
        throw new LogicGraphException(
            ErrorCode.E010,
            "SQL parameter "
                + placeholder.apply(i + 1)
                + " of node '"
                + nodeId
                + "': context path '"
                + path
                + "' is missing",
            false,
            "put '" + path + "' in the execution input or let an upstream node write it");
      }
      values.add(value);
    }
    return values;
  }

  /**
   * JSON to driver types: strings, booleans, integers (Integer/Long), decimals (BigDecimal or
   * Double), arrays of one scalar kind as typed arrays (for {@code = ANY($1)}), any other object or
   * array as JSON (for json/jsonb parameters).
   */
  static Object toDriverValue(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber()) {
      if (value.canConvertToInt()) {
        return value.intValue();
      }
      return value.canConvertToLong() ? (Object) value.longValue() : value.decimalValue();
    }
    if (value.isBigDecimal()) {
      return value.decimalValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isArray()) {
      Object typed = typedArray(value);
      return typed != null ? typed : new JsonArray(value.toString());
    }
    return new JsonObject(value.toString());
  }

  private static Object typedArray(JsonNode array) {
    if (array.isEmpty()) {
      return null;
    }
    boolean strings = true;
    boolean ints = true;
    boolean longs = true;
    boolean numbers = true;
    boolean booleans = true;
    for (JsonNode element : array) {
      strings &= element.isTextual();
      ints &= element.isIntegralNumber() && element.canConvertToInt();
      longs &= element.isIntegralNumber() && element.canConvertToLong();
      numbers &= element.isNumber();
      booleans &= element.isBoolean();
    }
    int n = array.size();
    if (strings) {
      String[] out = new String[n];
      for (int i = 0; i < n; i++) {
        out[i] = array.get(i).textValue();
      }
      return out;
    }
    if (ints) {
      Integer[] out = new Integer[n];
      for (int i = 0; i < n; i++) {
        out[i] = array.get(i).intValue();
      }
      return out;
    }
    if (longs) {
      Long[] out = new Long[n];
      for (int i = 0; i < n; i++) {
        out[i] = array.get(i).longValue();
      }
      return out;
    }
    if (numbers) {
      Double[] out = new Double[n];
      for (int i = 0; i < n; i++) {
        out[i] = array.get(i).doubleValue();
      }
      return out;
    }
    if (booleans) {
      Boolean[] out = new Boolean[n];
      for (int i = 0; i < n; i++) {
        out[i] = array.get(i).booleanValue();
      }
      return out;
    }
    return null;
  }
}
