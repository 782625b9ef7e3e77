package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.expr.Expression;
import io.logicgraph.model.expr.ExpressionException;
import io.logicgraph.model.grl.GrlParseException;
import io.logicgraph.model.grl.GrlRuleSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Validates one entry of {@code nodes} (object form or the legacy short form {@code a: RuleNode})
 * and builds its normalized definition: common fields typed, type-specific fields in {@code
 * config}.
 */
final class NodeReader {
  static final List<String> COMMON_FIELDS =
      List.of(
          "description",
          "timeout_ms",
          "retry",
          "cache",
          "on_error",
          "field_mappings",
          "inputs",
          "dependencies",
          "node_type",
          "type");

  private static final List<String> SQL_FIELDS = List.of("database", "query", "params", "max_rows");
  private static final List<String> REDIS_FIELDS =
      List.of("database", "operation", "key", "value", "ttl_s");
  private static final List<String> MONGO_FIELDS =
      List.of("database", "collection", "operation", "filter", "document", "limit");

  /** DBNode: the datasource's kind decides, so it takes any of the three forms. */
  private static final List<String> DB_FIELDS =
      Stream.of(SQL_FIELDS, REDIS_FIELDS, MONGO_FIELDS).flatMap(List::stream).distinct().toList();

  private static final List<String> LLM_FIELDS =
      List.of("prompt", "model", "system_prompt", "temperature", "max_tokens");
  private static final List<String> AI_FIELDS =
      Stream.concat(LLM_FIELDS.stream(), Stream.of("provider")).toList();

  private static final Set<String> CONNECTION_KEYS =
      Set.of("connection", "connection_string", "connection_url", "url", "uri", "dsn", "jdbc_url");
  private static final Set<String> ENDPOINT_KEYS =
      Set.of("url", "base_url", "api_base", "endpoint", "api_key");
  private static final String CONNECTION_MESSAGE =
      "connection strings never come from a graph: name a configured datasource in 'database'"
          + " (E004)";

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Pattern DATASOURCE = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  /** Model names such as gpt-4o-mini, claude-haiku-4-5, llama3.2:latest, org/model. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

  private static final String RETRY_OWNER = "retry";

  /** Dynamic fan-out, accepted on every node a worker pool runs. */
  private static final List<String> FAN_OUT_FIELDS = List.of("over", "max_concurrency");

  static final int DEFAULT_MAX_CONCURRENCY = 10;

  private static final List<String> SUBGRAPH_FIELDS =
      List.of("graph_id", "version", "input_mapping", "output_mapping");
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern CONTEXT_KEY = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  static final long DEFAULT_BACKOFF_MS = 1_000;
  static final double DEFAULT_MULTIPLIER = 2.0;
  static final long DEFAULT_MAX_BACKOFF_MS = 30_000;

  /** What was read: the node (null when its type is unusable) and its declared dependencies. */
  record Result(NodeDefinition node, List<String> dependencies) {}

  private final String id;
  private final String path;
  private final Problems problems;
  private final GraphLimits limits;

  private NodeReader(String id, Problems problems, GraphLimits limits) {
    this.id = id;
    this.path = "nodes." + id;
    this.problems = problems;
    this.limits = limits;
  }

  static Result read(String id, JsonNode value, Problems problems, GraphLimits limits) {
    return new NodeReader(id, problems, limits).read(value);
  }

  private Result read(JsonNode value) {
    if (!NODE_ID.matcher(id).matches()) {
      problems.error(
          path,
          "node id '"
              + id
              + "' must be 1-100 characters of [A-Za-z0-9_-] (it names context keys such as '"
              + id
              + "_result')");
    }
    if (value != null && value.isTextual()) {
      NodeType type = resolveType(value.textValue(), path);
      ObjectNode empty = JsonNodeFactory.instance.objectNode();
      return type == null ? new Result(null, List.of()) : build(type, empty);
    }
    if (value == null || !value.isObject()) {
      problems.error(path, "expected a node object or a node type name such as RuleNode");
      return new Result(null, List.of());
    }
    ObjectNode node = (ObjectNode) value;
    NodeType type = typeOf(node);
    if (type == null) {
      return new Result(null, dependencies(node));
    }
    return build(type, node);
  }

  private List<String> dependencies(ObjectNode node) {
    List<String> deps =
        new FieldReader(node, path, "node", problems).strings("dependencies", false);
    return deps == null ? List.of() : deps;
  }

  private NodeType typeOf(ObjectNode node) {
    JsonNode nodeType = node.get("node_type");
    JsonNode alias = node.get("type");
    boolean hasNodeType = nodeType != null && !nodeType.isNull();
    boolean hasAlias = alias != null && !alias.isNull();
    if (hasNodeType && hasAlias && !nodeType.equals(alias)) {
      problems.error(
          path + ".type",
          "'type' ("
              + alias.asText()
              + ") and 'node_type' ("
              + nodeType.asText()
              + ") disagree; give one of them");
      return null;
    }
    if (!hasNodeType && !hasAlias) {
      problems.error(
          path + ".node_type", "missing node type: set 'node_type' (or its alias 'type')");
      return null;
    }
    String key = hasNodeType ? "node_type" : "type";
    JsonNode name = hasNodeType ? nodeType : alias;
    if (!name.isTextual()) {
      problems.error(path + "." + key, "'" + key + "' must be a string such as RuleNode");
      return null;
    }
    return resolveType(name.textValue(), path + "." + key);
  }

  private NodeType resolveType(String name, String typePath) {
    return NodeType.fromTypeName(name)
        .orElseGet(
            () -> {
              problems.error(
                  typePath,
                  "unknown node type '"
                      + name
                      + "'; known: "
                      + Arrays.stream(NodeType.values())
                          .map(NodeType::typeName)
                          .collect(Collectors.joining(", ")));
              return null;
            });
  }

  static List<String> specificFields(NodeType type) {
    return switch (type) {
      case POSTGRES, MYSQL -> SQL_FIELDS;
      case DB -> DB_FIELDS;
      case REDIS -> REDIS_FIELDS;
      case MONGO -> MONGO_FIELDS;
      case OPENAI, CLAUDE, OLLAMA -> LLM_FIELDS;
      case AI -> AI_FIELDS;
      case RULE -> List.of("condition");
      case GRL -> List.of("rules");
      case SUBGRAPH -> SUBGRAPH_FIELDS;
    };
  }

  private Result build(NodeType type, ObjectNode node) {
    checkKeys(type, node);
    FieldReader fields = new FieldReader(node, path, type.typeName(), problems);
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    switch (type) {
      case POSTGRES, MYSQL -> readSql(fields, config);
      case DB -> readGenericDb(fields, node, config);
      case REDIS -> readRedis(fields, config);
      case MONGO -> readMongo(fields, config);
      case OPENAI, CLAUDE, OLLAMA, AI -> readLlm(type, fields, config);
      case RULE -> readRule(fields, config);
      case GRL -> readGrl(fields, config);
      case SUBGRAPH -> readSubgraph(fields, config);
    }
    if (type.worker().isPool()) {
      readFanOut(fields, config);
    }
    Long timeoutMs = fields.integer("timeout_ms", false, 1);
    String onError = fields.choice("on_error", false, List.of("fail", "continue"));
    NodeDefinition definition =
        new NodeDefinition(
            id,
            type,
            fields.text("description", false, false, null),
            config,
            timeoutMs,
            retry(fields),
            cache(fields),
            onError == null ? null : OnError.fromWire(onError),
            fields.pathMap("field_mappings"),
            fields.pathMap("inputs"));
    return new Result(definition, dependencies(node));
  }

  private void checkKeys(NodeType type, ObjectNode node) {
    List<String> specific = specificFields(type);
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (specific.contains(key)
                  || COMMON_FIELDS.contains(key)
                  || (type.worker().isPool() && FAN_OUT_FIELDS.contains(key))) {
                return;
              }
              if (type.worker() == WorkerKind.AI && ENDPOINT_KEYS.contains(key)) {
                problems.error(
                    path + "." + key,
                    "provider endpoints and API keys never come from a graph: they are configured"
                        + " on worker-ai (E004)");
              } else if (type == NodeType.SUBGRAPH && key.equals("subgraph_file")) {
                problems.error(
                    path + "." + key,
                    "graph files are not loaded: name a stored graph with 'graph_id' (the id"
                        + " returned when the graph was created)");
              } else if (CONNECTION_KEYS.contains(key)) {
                problems.error(path + "." + key, CONNECTION_MESSAGE);
              } else {
                problems.error(path + "." + key, unknownField(key, type, specific));
              }
            });
  }

  private static String unknownField(String key, NodeType type, List<String> specific) {
    List<String> allowed = new ArrayList<>(specific);
    COMMON_FIELDS.stream().filter(f -> !f.equals("type")).forEach(allowed::add);
    if (type.worker().isPool()) {
      allowed.addAll(FAN_OUT_FIELDS);
    }
    return UnknownFields.message(key, type.typeName(), allowed);
  }

  /**
   * A DBNode runs on whatever kind its datasource is, which only the worker knows; the document
   * says which form it is: SQL ({@code query}), Mongo ({@code collection}) or Redis ({@code
   * operation} and {@code key}). Fields of another form are errors.
   */
  private void readGenericDb(FieldReader fields, ObjectNode node, ObjectNode config) {
    List<String> form;
    String name;
    if (node.has("query")) {
      form = SQL_FIELDS;
      name = "a SQL DBNode (it has 'query')";
      readSql(fields, config);
    } else if (node.has("collection")) {
      form = MONGO_FIELDS;
      name = "a Mongo DBNode (it has 'collection')";
      readMongo(fields, config);
    } else if (node.has("key") || node.has("operation")) {
      form = REDIS_FIELDS;
      name = "a Redis DBNode (it has 'key' or 'operation')";
      readRedis(fields, config);
    } else {
      readSql(fields, config); // reports the missing query, the common case
      return;
    }
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (DB_FIELDS.contains(key) && !form.contains(key)) {
                fields.error(key, "'" + key + "' does not apply to " + name);
              }
            });
  }

  private void readSql(FieldReader fields, ObjectNode config) {
    datasource(fields, config);
    String query = fields.text("query", true, true, "the SQL statement");
    if (query != null) {
      config.put("query", query);
    }
    List<String> params = fields.strings("params", true);
    if (params != null) {
      params.forEach(config.putArray("params")::add);
    }
    Long maxRows = fields.integer("max_rows", false, 1);
    if (maxRows != null) {
      putInteger(config, "max_rows", maxRows);
    }
  }

  private void datasource(FieldReader fields, ObjectNode config) {
    JsonNode value = fields.value("database");
    if (value == null) {
      fields.missing("database", "the name of a configured datasource");
    } else if (!value.isTextual()) {
      fields.error("database", "'database' must be the name of a configured datasource");
    } else if (looksLikeConnectionString(value.textValue())) {
      fields.error("database", CONNECTION_MESSAGE);
    } else if (!DATASOURCE.matcher(value.textValue()).matches()) {
      fields.error(
          "database",
          "'database' must name a configured datasource: 1-100 characters of [A-Za-z0-9_-]");
    } else {
      config.put("database", value.textValue());
    }
  }

  /** Never echo such a value: it may hold a password. */
  private static boolean looksLikeConnectionString(String text) {
    return text.contains("://")
        || text.contains("@")
        || text.contains(";")
        || text.contains("=")
        || text.startsWith("jdbc:");
  }

  private void readRedis(FieldReader fields, ObjectNode config) {
    datasource(fields, config);
    String operation = fields.choice("operation", true, List.of("GET", "SET", "DEL", "EXISTS"));
    if (operation != null) {
      config.put("operation", operation);
    }
    String key = fields.text("key", true, true, "a template");
    if (key != null) {
      config.put("key", key);
    }
    boolean set = "SET".equals(operation);
    JsonNode value = fields.value("value");
    if (value == null && set) {
      fields.missing("value", "a template, required for SET");
    } else if (value != null && operation != null && !set) {
      fields.error("value", "'value' only applies to SET");
    } else if (value != null && !value.isTextual()) {
      fields.error("value", "'value' must be a string (a template)");
    } else if (value != null) {
      config.put("value", value.textValue());
    }
    Long ttl = fields.integer("ttl_s", false, 1);
    if (ttl != null && operation != null && !set) {
      fields.error("ttl_s", "'ttl_s' only applies to SET");
    } else if (ttl != null) {
      putInteger(config, "ttl_s", ttl);
    }
  }

  private void readMongo(FieldReader fields, ObjectNode config) {
    datasource(fields, config);
    String collection = fields.text("collection", true, true, null);
    if (collection != null) {
      config.put("collection", collection);
    }
    String operation =
        fields.choice("operation", true, List.of("find", "find_one", "insert", "update", "delete"));
    if (operation != null) {
      config.put("operation", operation);
    }
    ObjectNode filter = fields.object("filter");
    ObjectNode document = fields.object("document");
    Long limit = fields.integer("limit", false, 1);
    if (operation != null) {
      boolean needsFilter = operation.equals("update") || operation.equals("delete");
      boolean needsDocument = operation.equals("insert") || operation.equals("update");
      if (needsFilter && filter == null && !fields.has("filter")) {
        fields.missing("filter", "required for " + operation + "; {} matches every document");
      }
      if (needsDocument && document == null && !fields.has("document")) {
        fields.missing("document", "required for " + operation);
      }
      if (!needsDocument && fields.has("document")) {
        fields.error("document", "'document' only applies to insert and update");
      }
      if (operation.equals("insert") && fields.has("filter")) {
        fields.error("filter", "'filter' does not apply to insert");
      }
      if (!operation.equals("find") && fields.has("limit")) {
        fields.error("limit", "'limit' only applies to find");
      }
    }
    if (filter != null) {
      config.set("filter", filter.deepCopy());
    }
    if (document != null) {
      config.set("document", document.deepCopy());
    }
    if (limit != null) {
      putInteger(config, "limit", limit);
    }
  }

  private void readLlm(NodeType type, FieldReader fields, ObjectNode config) {
    String prompt = fields.text("prompt", true, true, "the prompt template");
    if (prompt != null) {
      config.put("prompt", prompt);
    }
    String model = fields.text("model", false, true, null);
    if (model != null && (!MODEL.matcher(model).matches() || model.contains("//"))) {
      fields.error(
          "model",
          "'model' must be a model name of the configured provider (1-200 characters of"
              + " [A-Za-z0-9._:/-], no URL): endpoints come from worker-ai's configuration");
    } else if (model != null) {
      config.put("model", model);
    }
    String system = fields.text("system_prompt", false, false, null);
    if (system != null) {
      config.put("system_prompt", system);
    }
    if (fields.number("temperature", 0, 2) != null) {
      config.set("temperature", fields.value("temperature"));
    }
    Long maxTokens = fields.integer("max_tokens", false, 1);
    if (maxTokens != null) {
      putInteger(config, "max_tokens", maxTokens);
    }
    if (type == NodeType.AI) {
      String provider = fields.choice("provider", false, List.of("openai", "anthropic", "ollama"));
      config.put("provider", provider == null ? "openai" : provider);
    }
  }

  private void readRule(FieldReader fields, ObjectNode config) {
    JsonNode value = fields.value("condition");
    String source = "true";
    if (value != null) {
      if (value.isTextual() || value.isBoolean() || value.isNumber()) {
        source = value.asText();
      } else {
        fields.error("condition", "'condition' must be a string (an expression)");
        return;
      }
    }
    try {
      Expression.parse(source);
    } catch (ExpressionException e) {
      fields.error("condition", "condition of node '" + id + "' does not parse: " + e.getMessage());
    }
    config.put("condition", source);
  }

  /** As an int when it fits, so the config equals itself after a trip through JSON text. */
  private static void putInteger(ObjectNode config, String field, long value) {
    if (value == (int) value) {
      config.put(field, (int) value);
    } else {
      config.put(field, value);
    }
  }

  private void readGrl(FieldReader fields, ObjectNode config) {
    String rules = fields.text("rules", true, true, "GRL rule text");
    if (rules == null) {
      return;
    }
    config.put("rules", rules);
    try {
      int count = GrlRuleSet.parse(rules).size();
      if (count > limits.maxGrlRules()) {
        fields.error(
            "rules",
            "node '" + id + "' has " + count + " GRL rules; the limit is " + limits.maxGrlRules());
      }
    } catch (GrlParseException e) {
      fields.error("rules", "rules of node '" + id + "' do not parse: " + e.getMessage());
    }
  }

  /**
   * {@code graph_id} (a stored graph), optional {@code version}, {@code input_mapping} (child key →
   * parent context path) and {@code output_mapping} (child context path → parent key).
   */
  private void readSubgraph(FieldReader fields, ObjectNode config) {
    JsonNode graphId = fields.value("graph_id");
    if (graphId == null) {
      fields.missing("graph_id", "the id of a stored graph to run as a child execution");
    } else if (!graphId.isTextual() || !UUID_TEXT.matcher(graphId.textValue()).matches()) {
      fields.error("graph_id", "'graph_id' must be the UUID of a stored graph");
    } else {
      config.put("graph_id", graphId.textValue().toLowerCase(java.util.Locale.ROOT));
    }
    Long version = fields.integer("version", false, 1);
    if (version != null) {
      putInteger(config, "version", version);
    }
    java.util.Map<String, String> inputs = fields.pathMap("input_mapping");
    if (inputs != null) {
      ObjectNode mapping = config.putObject("input_mapping");
      inputs.forEach(
          (childKey, parentPath) -> {
            if (!CONTEXT_KEY.matcher(childKey).matches()) {
              problems.error(
                  fields.path("input_mapping") + "." + childKey,
                  "a child context key must be 1-100 characters of [A-Za-z0-9_-]");
            }
            mapping.put(childKey, parentPath);
          });
    }
    ObjectNode outputs = fields.object("output_mapping");
    if (outputs != null) {
      ObjectNode mapping = config.putObject("output_mapping");
      String outputPath = fields.path("output_mapping");
      outputs
          .fields()
          .forEachRemaining(
              entry -> {
                String entryPath = outputPath + "." + entry.getKey();
                JsonNode parentKey = entry.getValue();
                if (!FieldReader.isContextPath(entry.getKey())) {
                  problems.error(
                      entryPath, "'" + entry.getKey() + "' is not a context path (a.b.0.c)");
                } else if (!parentKey.isTextual()
                    || !CONTEXT_KEY.matcher(parentKey.textValue()).matches()) {
                  problems.error(
                      entryPath,
                      "must name a top-level context key of the parent: 1-100 characters of"
                          + " [A-Za-z0-9_-]");
                } else if (parentKey.textValue().equals(id + "_result")) {
                  problems.error(
                      entryPath,
                      "'" + id + "_result' is written by the node itself; map to another key");
                } else {
                  mapping.put(entry.getKey(), parentKey.textValue());
                }
              });
    }
  }

  /**
   * {@code over}: a context path to an array; the node runs once per element ({@code item}, {@code
   * item_index} in its context), at most {@code max_concurrency} at a time.
   */
  private void readFanOut(FieldReader fields, ObjectNode config) {
    JsonNode over = fields.value("over");
    if (over != null) {
      if (!over.isTextual() || !FieldReader.isContextPath(over.textValue().strip())) {
        fields.error("over", "'over' must be a context path (a.b.0.c) to an array");
      } else {
        config.put("over", over.textValue().strip());
      }
    }
    Long maxConcurrency = fields.integer("max_concurrency", false, 1);
    if (maxConcurrency != null && over == null) {
      fields.error("max_concurrency", "'max_concurrency' only applies with 'over'");
    } else if (over != null) {
      putInteger(
          config,
          "max_concurrency",
          maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : Math.min(maxConcurrency, 1000));
    }
  }

  private RetryPolicy retry(FieldReader fields) {
    ObjectNode retry = fields.object("retry");
    if (retry == null) {
      return null;
    }
    String retryPath = fields.path("retry");
    UnknownFields.check(
        retry,
        retryPath,
        null,
        List.of("max_attempts", "backoff_ms", "multiplier", "max_backoff_ms"),
        problems);
    FieldReader r = new FieldReader(retry, retryPath, RETRY_OWNER, problems);
    Long maxAttempts = r.integer("max_attempts", true, 1);
    Long backoff = r.integer("backoff_ms", false, 0);
    Double multiplier = r.number("multiplier", 1, Double.MAX_VALUE);
    Long maxBackoff = r.integer("max_backoff_ms", false, 0);
    long backoffMs = backoff == null ? DEFAULT_BACKOFF_MS : backoff;
    if (maxBackoff != null && maxBackoff < backoffMs) {
      r.error(
          "max_backoff_ms", "'max_backoff_ms' must be at least 'backoff_ms' (" + backoffMs + ")");
    }
    if (maxAttempts == null) {
      return null;
    }
    return new RetryPolicy(
        (int) Math.min(maxAttempts, Integer.MAX_VALUE),
        backoffMs,
        multiplier == null ? DEFAULT_MULTIPLIER : multiplier,
        maxBackoff == null ? Math.max(DEFAULT_MAX_BACKOFF_MS, backoffMs) : maxBackoff);
  }

  private CachePolicy cache(FieldReader fields) {
    ObjectNode cache = fields.object("cache");
    if (cache == null) {
      return null;
    }
    String cachePath = fields.path("cache");
    UnknownFields.check(cache, cachePath, null, List.of("ttl_s"), problems);
    Long ttl = new FieldReader(cache, cachePath, "cache", problems).integer("ttl_s", true, 1);
    return ttl == null ? null : new CachePolicy(ttl);
  }
}
