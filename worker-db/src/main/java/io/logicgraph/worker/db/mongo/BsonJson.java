package io.logicgraph.worker.db.mongo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;

/**
 * BSON values as plain JSON: ObjectId as its hex string, dates (and timestamps) as ISO-8601
 * instants, int32/int64 as integers, double as a number, decimal128 as an exact decimal, UUID
 * binaries as UUID strings, other binaries as base64, regular expressions as {@code
 * /pattern/flags}, documents and arrays recursively.
 */
public final class BsonJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private BsonJson() {}

  public static ObjectNode toJson(BsonDocument document) {
    ObjectNode object = NODES.objectNode();
    for (Map.Entry<String, BsonValue> field : document.entrySet()) {
      object.set(field.getKey(), toJson(field.getValue()));
    }
    return object;
  }

  public static JsonNode toJson(BsonValue value) {
    if (value == null) {
      return NODES.nullNode();
    }
    return switch (value.getBsonType()) {
      case DOCUMENT -> toJson(value.asDocument());
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        value.asArray().forEach(element -> array.add(toJson(element)));
        yield array;
      }
      case STRING -> NODES.textNode(value.asString().getValue());
      case INT32 -> NODES.numberNode(value.asInt32().getValue());
      case INT64 -> NODES.numberNode(value.asInt64().getValue());
      case DOUBLE -> {
        double d = value.asDouble().getValue();
        yield Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(String.valueOf(d));
      }
      case DECIMAL128 -> {
        Decimal128 decimal = value.asDecimal128().getValue();
        yield decimal.isNaN() || decimal.isInfinite()
            ? NODES.textNode(decimal.toString())
            : NODES.numberNode(decimal.bigDecimalValue());
      }
      case BOOLEAN -> NODES.booleanNode(value.asBoolean().getValue());
      case OBJECT_ID -> NODES.textNode(value.asObjectId().getValue().toHexString());
      case DATE_TIME ->
          NODES.textNode(Instant.ofEpochMilli(value.asDateTime().getValue()).toString());
      case TIMESTAMP ->
          NODES.textNode(Instant.ofEpochSecond(value.asTimestamp().getTime()).toString());
      case BINARY -> binary(value.asBinary());
      case REGULAR_EXPRESSION -> {
        BsonRegularExpression regex = value.asRegularExpression();
        yield NODES.textNode("/" + regex.getPattern() + "/" + regex.getOptions());
      }
      case NULL, UNDEFINED -> NODES.nullNode();
      case SYMBOL -> NODES.textNode(value.asSymbol().getSymbol());
      case JAVASCRIPT -> NODES.textNode(value.asJavaScript().getCode());
      case JAVASCRIPT_WITH_SCOPE -> NODES.textNode(value.asJavaScriptWithScope().getCode());
      case DB_POINTER -> NODES.textNode(value.asDBPointer().getId().toHexString());
      case MIN_KEY -> NODES.textNode("MinKey");
      case MAX_KEY -> NODES.textNode("MaxKey");
      case END_OF_DOCUMENT -> NODES.nullNode();
    };
  }

  private static JsonNode binary(BsonBinary binary) {
    byte subtype = binary.getType();
    if (subtype == BsonBinarySubType.UUID_STANDARD.getValue()) {
      return NODES.textNode(binary.asUuid().toString());
    }
    if (subtype == BsonBinarySubType.UUID_LEGACY.getValue()) {
      return NODES.textNode(binary.asUuid(UuidRepresentation.JAVA_LEGACY).toString());
    }
    return NODES.textNode(Base64.getEncoder().encodeToString(binary.getData()));
  }
}
