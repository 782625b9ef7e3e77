package io.logicgraph.gateway;

import static io.logicgraph.gateway.Fixtures.EXECUTIONS;
import static io.logicgraph.gateway.Fixtures.GRAPHS;
import static io.logicgraph.gateway.Fixtures.PROBLEM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.logicgraph.model.message.Json;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The bad-input table: every endpoint of spec 03 crossed with every defect class, each case with
 * the answer it must get (status, error code, and the path the problem must name).
 */
final class BadInputs {
  static final String JSON = "application/json";
  static final String YAML = "application/yaml; charset=UTF-8";
  static final String DOCUMENT = "$";

  static final String SQL_INJECTION = "'; DROP TABLE graph_definitions; --";
  static final String TEMPLATE_INJECTION = "{{7*7}}";
  static final String JNDI_INJECTION = "${jndi:ldap://127.0.0.1:1389/a}";
  static final String EXPRESSION_INJECTION = "amount > 0 || true && !false";
  static final String PATH_TRAVERSAL = "../../../../etc/passwd";
  static final String RTL = "\u202Egnp.exe";
  static final String EMOJI = "\uD83D\uDD25\uD83D\uDE80";
  static final String CONTROL = "bell\u0007escape\u001B[31m";
  static final String NUL = "nul\u0000byte";
  static final String LONE_SURROGATE = "lone\uD800surrogate";

  /** Injection strings any free-text field must store literally. */
  static final List<String> STORABLE_INJECTIONS =
      List.of(
          SQL_INJECTION,
          TEMPLATE_INJECTION,
          JNDI_INJECTION,
          EXPRESSION_INJECTION,
          PATH_TRAVERSAL,
          RTL,
          EMOJI,
          CONTROL,
          "x".repeat(10_000));

  /** Text PostgreSQL cannot store: refused with a 400 naming the field. */
  static final List<String> UNSTORABLE = List.of(NUL, LONE_SURROGATE);

  /** Injection strings for fields with a syntax (ids, names, types, expressions, GRL). */
  static final List<String> SYNTAX_INJECTIONS =
      List.of(
          SQL_INJECTION,
          TEMPLATE_INJECTION,
          JNDI_INJECTION,
          PATH_TRAVERSAL,
          RTL,
          NUL,
          "x".repeat(10_000));

  private static final YAMLMapper YAML_WRITER = new YAMLMapper();

  private static final RestAssuredConfig AS_WRITTEN =
      RestAssuredConfig.config()
          .encoderConfig(
              EncoderConfig.encoderConfig()
                  .defaultContentCharset(StandardCharsets.UTF_8)
                  .encodeContentTypeAs("application/json", ContentType.TEXT)
                  .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                  .encodeContentTypeAs("application/xml", ContentType.TEXT)
                  .encodeContentTypeAs("application/x-www-form-urlencoded", ContentType.TEXT)
                  .encodeContentTypeAs("multipart/form-data", ContentType.TEXT));

  /** Writes non-ASCII as \\uXXXX escapes, the only way a lone surrogate travels in JSON. */
  private static final ObjectWriter ESCAPING =
      Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(java|javax|jakarta|com|org|io|sun)\\.[a-z]+\\.[A-Za-z]");

  private BadInputs() {}

  /** A request and the answer it must get; {@code path} null: no field to name. */
  record Case(String name, Supplier<Response> send, int status, String code, String path) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** An invalid graph document and the error it must be reported with. */
  record Document(String name, String contentType, String body, String code, String path) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A free-text value at a path of the base graph. */
  record Literal(String path, String value) {
    @Override
    public String toString() {
      return path + "=" + abbreviate(value);
    }
  }

  /** A stored graph and a started execution, so that endpoints with an id have a real target. */
  static final class Targets {
    private static String graphId;
    private static String executionId;

    static synchronized void create() {
      if (graphId != null) {
        return;
      }
      graphId =
          request()
              .contentType(JSON)
              .body(json(base()))
              .post(GRAPHS)
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      executionId =
          request()
              .contentType(JSON)
              .body("{\"context\": {\"amount\": 5}}")
              .post(GRAPHS + "/{id}/execute", graphId)
              .then()
              .statusCode(202)
              .extract()
              .path("execution_id");
    }

    static String graphId() {
      return graphId;
    }

    static String executionId() {
      return executionId;
    }
  }

  // ------------------------------------------------------------------ the base document

  /** A valid graph with every kind of string field: rule, SQL, AI and GRL nodes, conditions. */
  static ObjectNode base() {
    try {
      return (ObjectNode)
          Json.MAPPER.readTree(
              """
              {"name": "bad-input", "description": "base of every mutation",
               "metadata": {"note": "free text"},
               "nodes": {
                 "gate": {"node_type": "RuleNode", "description": "checks the amount",
                          "condition": "amount > 0"},
                 "lookup": {"node_type": "PostgresNode", "database": "orders_db",
                            "query": "SELECT count(*) AS n FROM orders WHERE customer_id = $1",
                            "params": ["customer_id"], "timeout_ms": 5000},
                 "ask": {"node_type": "OpenAINode", "model": "gpt-4o-mini",
                         "prompt": "Summarize the orders of {{ customer_id }}",
                         "system_prompt": "You are terse", "temperature": 0.2},
                 "review": {"node_type": "GrlNode",
                            "rules": "rule \\"Big\\" salience 10 { when amount > 100 then big = true; }"}
               },
               "edges": [
                 {"from": "gate", "to": "lookup", "condition": "amount > 10"},
                 {"from": "lookup", "to": "ask"},
                 {"from": "ask", "to": "review"}
               ]}
              """);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String json(JsonNode graph) {
    try {
      return ESCAPING.writeValueAsString(graph);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String yaml(JsonNode graph) {
    try {
      return YAML_WRITER.writeValueAsString(graph);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets a value at a path like {@code nodes.gate.condition} or {@code edges[0].to}. */
  static ObjectNode set(ObjectNode root, String path, Object value) {
    JsonNode node = value instanceof JsonNode json ? json : Json.MAPPER.valueToTree(value);
    String[] parts = path.split("\\.");
    JsonNode parent = root;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = step(parent, parts[i]);
    }
    String last = parts[parts.length - 1];
    int bracket = last.indexOf('[');
    if (bracket >= 0) {
      ArrayNode array = (ArrayNode) parent.get(last.substring(0, bracket));
      array.set(Integer.parseInt(last.substring(bracket + 1, last.length() - 1)), node);
    } else {
      ((ObjectNode) parent).set(last, node);
    }
    return root;
  }

  static ObjectNode remove(ObjectNode root, String path) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = root;
    if (dot >= 0) {
      for (String part : path.substring(0, dot).split("\\.")) {
        parent = step(parent, part);
      }
    }
    ((ObjectNode) parent).remove(path.substring(dot + 1));
    return root;
  }

  static JsonNode get(JsonNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      if (node == null) {
        return null;
      }
      node = step(node, part);
    }
    return node;
  }

  private static JsonNode step(JsonNode node, String part) {
    int bracket = part.indexOf('[');
    if (bracket < 0) {
      return node.get(part);
    }
    JsonNode array = node.get(part.substring(0, bracket));
    return array.get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
  }

  /** Where a field of the submitted document lives in the stored (normalized) definition. */
  static String normalizedPath(String path) {
    String[] parts = path.split("\\.");
    if (parts.length == 3 && parts[0].equals("nodes") && !parts[2].equals("description")) {
      return "nodes." + parts[1] + ".config." + parts[2];
    }
    return path;
  }

  // ------------------------------------------------------------------ invalid documents

  static List<Document> invalidDocuments() {
    List<Document> docs = new ArrayList<>();
    String base = json(base());
    // malformed JSON
    syntax(docs, "edges[2].to", "JSON truncated", JSON, base.substring(0, base.length() - 12));
    syntax(docs, "JSON trailing content", JSON, base + " {\"more\": 1}");
    syntax(docs, "JSON single quotes", JSON, "{'name': 'x', 'nodes': {}}");
    syntax(docs, "JSON comment", JSON, "// graph\n" + base);
    syntax(
        docs,
        "nodes.ask.temperature",
        "JSON NaN",
        JSON,
        base.replace("\"temperature\":0.2", "\"temperature\":NaN"));
    syntax(
        docs,
        "description",
        "JSON raw control character in a string",
        JSON,
        base.replace("base of", "base\u0001of"));
    syntax(docs, "name", "JSON unterminated string", JSON, "{\"name\": \"bad-input");
    syntax(docs, "JSON empty body", JSON, "");
    syntax(docs, "JSON blank body", JSON, "  \n\t ");
    syntax(
        docs,
        "JSON 10k nested arrays",
        JSON,
        "{\"metadata\": {\"deep\": " + nested("[", "]", 10_000) + "}}");
    syntax(
        docs,
        "JSON 10k nested objects",
        JSON,
        "{\"metadata\": " + nested("{\"a\":", "}", 10_000, "1") + "}");
    docs.add(
        new Document(
            "JSON duplicate key",
            JSON,
            base.replace("\"name\":\"bad-input\"", "\"name\":\"bad-input\",\"name\":\"other\""),
            "E007",
            "name"));
    docs.add(
        new Document(
            "JSON duplicate nested key",
            JSON,
            base.replace(
                "\"condition\":\"amount > 0\"",
                "\"condition\":\"amount > 0\",\"condition\":\"true\""),
            "E007",
            "nodes.gate.condition"));
    // malformed YAML
    syntax(
        docs, "nodes.gate[0]", "YAML truncated flow", YAML, "name: x\nnodes: {gate: [RuleNode,\n");
    syntax(
        docs,
        "nodes",
        "YAML tab indentation",
        YAML,
        "name: x\nnodes:\n\tgate:\n\t\tnode_type: RuleNode\n");
    syntax(docs, "YAML two documents", YAML, yaml(base()) + "---\nname: second\n");
    syntax(docs, "YAML NUL character", YAML, yaml(base()).replace("base of", "base\u0000of"));
    syntax(
        docs,
        "YAML 10k nested flow sequences",
        YAML,
        "name: deep\nmetadata: {deep: " + nested("[", "]", 10_000) + "}\n");
    syntax(
        docs,
        "YAML 10k nested flow mappings",
        YAML,
        "name: deep\nmetadata: " + nested("{a: ", "}", 10_000, "1") + "\n");
    syntax(docs, "name", "YAML unclosed quote", YAML, "name: \"bad\nnodes: {}\n");
    docs.add(
        new Document(
            "YAML duplicate key",
            YAML,
            "name: a\nname: b\n" + yaml(remove(base(), "name")).replace("---\n", ""),
            "E007",
            "name"));
    docs.add(
        new Document(
            "YAML alias",
            YAML,
            yaml(base())
                .replace(
                    "description: \"base of every mutation\"",
                    "description: &d \"base\"\nmetadata2: *d"),
            "E006",
            DOCUMENT));
    docs.add(new Document("YAML billion laughs", YAML, billionLaughs(), "E006", DOCUMENT));
    docs.add(
        new Document(
            "YAML Java type tag",
            YAML,
            yaml(base())
                .replace(
                    "note: \"free text\"",
                    "note: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]"),
            "E006",
            "metadata.note"));
    // not a graph
    invalid(docs, "document is an array", "[]", DOCUMENT);
    invalid(docs, "document is a string", "\"graph\"", DOCUMENT);
    invalid(docs, "document is a number", "42", DOCUMENT);
    invalid(docs, "document is null", "null", DOCUMENT);
    // wrong types
    wrongType(docs, "name", 42);
    wrongType(docs, "description", Map.of("a", 1));
    wrongType(docs, "metadata", "text");
    wrongType(docs, "nodes", "gate");
    wrongType(docs, "nodes", List.of());
    wrongType(docs, "nodes.gate", 42);
    wrongType(docs, "nodes.gate.node_type", 7);
    wrongType(docs, "nodes.gate.condition", List.of("amount > 0"));
    wrongType(docs, "nodes.lookup.timeout_ms", "ten");
    wrongType(docs, "nodes.lookup.timeout_ms", -1);
    wrongType(docs, "nodes.lookup.params", "customer_id");
    wrongType(docs, "nodes.lookup.retry", "yes");
    wrongType(docs, "nodes.ask.temperature", "hot");
    wrongType(docs, "nodes.ask.max_tokens", -5);
    wrongType(docs, "nodes.review.rules", 12);
    wrongType(docs, "edges", Map.of("from", "gate"));
    wrongType(docs, "edges[0]", "gate->lookup");
    wrongType(docs, "edges[0].from", 1);
    wrongType(docs, "edges[0].condition", List.of("amount > 1"));
    // missing required fields
    missing(docs, "nodes");
    missing(docs, "nodes.gate.node_type");
    missing(docs, "nodes.lookup.query");
    missing(docs, "nodes.lookup.database");
    missing(docs, "nodes.ask.prompt");
    missing(docs, "nodes.review.rules");
    missing(docs, "edges[0].from");
    missing(docs, "edges[0].to");
    // unknown fields, including the ones that would name an endpoint, a secret or a connection
    for (String path :
        List.of(
            "nodez",
            "nodes.gate.conditon",
            "nodes.lookup.qurey",
            "nodes.lookup.connection_string",
            "nodes.lookup.url",
            "nodes.lookup.password",
            "nodes.ask.base_url",
            "nodes.ask.api_key",
            "nodes.ask.endpoint",
            "edges[0].conditon")) {
      ObjectNode graph = base();
      set(graph, path, "http://127.0.0.1:9/steal");
      both(docs, "unknown field " + path, graph, "E006", path);
    }
    // invalid values: types, datasources, models, expressions, GRL, references
    value(docs, "nodes.gate.node_type", "ShellNode", "unknown node type");
    value(docs, "nodes.gate.node_type", PATH_TRAVERSAL, "node type traversal");
    value(docs, "nodes.lookup.database", "not_configured", "unknown datasource");
    value(
        docs, "nodes.lookup.database", "postgresql://evil:secret@10.0.0.1/db", "datasource as URL");
    value(docs, "nodes.ask.model", "http://169.254.169.254/latest/meta-data/", "model as URL");
    value(docs, "nodes.ask.model", "//169.254.169.254/x", "model as host");
    value(docs, "nodes.gate.condition", "amount >", "truncated expression");
    value(docs, "nodes.gate.condition", "amount ++ 1", "bad operator");
    value(docs, "edges[0].condition", "(amount > 1", "unbalanced parenthesis");
    value(docs, "nodes.review.rules", "rule \"x\" { when", "truncated GRL");
    value(docs, "nodes.review.rules", "rule x salience { when a then b }", "malformed GRL");
    value(docs, "edges[0].to", "nowhere", "edge to an unknown node");
    value(docs, "name", "", "empty name");
    for (String injection : SYNTAX_INJECTIONS) {
      for (String path :
          List.of(
              "name",
              "nodes.gate.node_type",
              "nodes.gate.condition",
              "nodes.lookup.database",
              "nodes.ask.model",
              "nodes.review.rules",
              "edges[0].condition",
              "edges[0].from")) {
        if (injection.length() > 1000 && path.endsWith("condition")) {
          continue; // a long identifier is a valid expression (a context path)
        }
        value(docs, path, injection, "injection " + abbreviate(injection));
      }
      ObjectNode graph = base();
      ((ObjectNode) graph.get("nodes"))
          .set(
              injection,
              Json.MAPPER.createObjectNode().put("node_type", "RuleNode").put("condition", "true"));
      both(docs, "node id " + abbreviate(injection), graph, "E006", "nodes." + injection);
    }
    // text PostgreSQL cannot store, in every free-text field
    for (String path : freeTextPaths()) {
      for (String value : UNSTORABLE) {
        ObjectNode graph = base();
        set(graph, path, value);
        both(docs, "unstorable " + abbreviate(value) + " at " + path, graph, "E006", path);
      }
    }
    // limits
    ObjectNode many = base();
    for (int i = 0; i < 501; i++) {
      ((ObjectNode) many.get("nodes"))
          .set(
              "n" + i,
              Json.MAPPER.createObjectNode().put("node_type", "RuleNode").put("condition", "true"));
    }
    docs.add(new Document("501 nodes", JSON, json(many), "E006", "nodes"));
    return docs;
  }

  static List<String> freeTextPaths() {
    return List.of(
        "description",
        "metadata.note",
        "nodes.gate.description",
        "nodes.lookup.query",
        "nodes.ask.prompt",
        "nodes.ask.system_prompt");
  }

  static List<Literal> literals() {
    List<Literal> literals = new ArrayList<>();
    for (String path : freeTextPaths()) {
      for (String value : STORABLE_INJECTIONS) {
        literals.add(new Literal(path, value));
      }
    }
    return literals;
  }

  private static void syntax(List<Document> docs, String name, String type, String body) {
    syntax(docs, DOCUMENT, name, type, body);
  }

  /** A syntax error the parser locates: the problem names where it stood. */
  private static void syntax(
      List<Document> docs, String path, String name, String type, String body) {
    docs.add(new Document(name, type, body, "E007", path));
  }

  private static void invalid(List<Document> docs, String name, String body, String path) {
    docs.add(new Document(name, JSON, body, "E006", path));
  }

  private static void wrongType(List<Document> docs, String path, Object value) {
    ObjectNode graph = base();
    set(graph, path, value);
    both(
        docs,
        "wrong type at " + path + " (" + abbreviate(String.valueOf(value)) + ")",
        graph,
        "E006",
        path);
  }

  private static void missing(List<Document> docs, String path) {
    ObjectNode graph = base();
    if (path.startsWith("edges[0].")) {
      ((ObjectNode) graph.get("edges").get(0)).remove(path.substring("edges[0].".length()));
    } else {
      remove(graph, path);
    }
    both(docs, "missing " + path, graph, "E006", path);
  }

  private static void value(List<Document> docs, String path, String value, String what) {
    ObjectNode graph = base();
    set(graph, path, value);
    both(docs, what + " at " + path, graph, "E006", path);
  }

  private static void both(
      List<Document> docs, String name, ObjectNode graph, String code, String path) {
    docs.add(new Document(name + " (JSON)", JSON, json(graph), code, path));
    if (!name.contains(LONE_SURROGATE)) { // UTF-8 YAML text cannot carry one
      docs.add(new Document(name + " (YAML)", YAML, yaml(graph), code, path));
    }
  }

  static String nested(String open, String close, int depth) {
    return nested(open, close, depth, "");
  }

  static String nested(String open, String close, int depth, String inner) {
    return open.repeat(depth) + inner + close.repeat(depth);
  }

  private static String billionLaughs() {
    StringBuilder yaml =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    char previous = 'a';
    for (char c = 'b'; c <= 'i'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append('*').append(previous);
      }
      yaml.append("]\n");
      previous = c;
    }
    return yaml.append("name: laughs\nnodes: {gate: {node_type: RuleNode, condition: \"true\"}}\n")
        .toString();
  }

  // ------------------------------------------------------------------ every rejected request

  static List<Case> rejected() {
    List<Case> cases = new ArrayList<>();
    for (Document doc : invalidDocuments()) {
      cases.add(
          new Case(
              "create: " + doc,
              () -> request().contentType(doc.contentType()).body(doc.body()).post(GRAPHS),
              400,
              doc.code(),
              doc.path()));
      if (doc.contentType().equals(JSON)) { // YAML parsing is covered by create and validate
        cases.add(
            new Case(
                "replace: " + doc,
                () ->
                    request()
                        .contentType(doc.contentType())
                        .body(doc.body())
                        .put(GRAPHS + "/{id}", Targets.graphId()),
                400,
                doc.code(),
                doc.path()));
      }
    }
    badIds(cases);
    badQueries(cases);
    badExecuteBodies(cases);
    badHeaders(cases);
    badMediaTypes(cases);
    hugeBodies(cases);
    unknownTargets(cases);
    return cases;
  }

  private record Endpoint(String method, String path, String body) {}

  private static List<Endpoint> idEndpoints() {
    String graph = json(base());
    return List.of(
        new Endpoint("GET", GRAPHS + "/{id}", null),
        new Endpoint("PUT", GRAPHS + "/{id}", graph),
        new Endpoint("DELETE", GRAPHS + "/{id}", null),
        new Endpoint("POST", GRAPHS + "/{id}/execute", "{\"context\": {}}"),
        new Endpoint("GET", GRAPHS + "/{id}/status", null),
        new Endpoint("GET", GRAPHS + "/{id}/results", null),
        new Endpoint("GET", GRAPHS + "/{id}/executions", null),
        new Endpoint("GET", EXECUTIONS + "/{id}", null),
        new Endpoint("GET", EXECUTIONS + "/{id}/results", null),
        new Endpoint("GET", EXECUTIONS + "/{id}/events", null),
        new Endpoint("POST", EXECUTIONS + "/{id}/cancel", null),
        new Endpoint("POST", EXECUTIONS + "/{id}/retry", null));
  }

  /** The id is encoded by hand: RestAssured would read braces in it as path templates. */
  private static Response call(Endpoint endpoint, String id) {
    RequestSpecification request = request().urlEncodingEnabled(false);
    if (endpoint.body() != null) {
      request = request.contentType(JSON).body(endpoint.body());
    }
    String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return request.request(endpoint.method(), endpoint.path().replace("{id}", encoded));
  }

  private static void badIds(List<Case> cases) {
    List<String> ids =
        List.of(
            "not-a-uuid",
            "12345",
            "00000000-0000-0000-0000-00000000000g",
            "00000000-0000-0000-0000-0000000000001",
            SQL_INJECTION,
            JNDI_INJECTION,
            TEMPLATE_INJECTION,
            RTL,
            EMOJI,
            "nul\u0000",
            "x".repeat(2000));
    for (Endpoint endpoint : idEndpoints()) {
      for (String id : ids) {
        cases.add(
            new Case(
                endpoint.method() + " " + endpoint.path() + " id=" + abbreviate(id),
                () -> call(endpoint, id),
                400,
                "E007",
                "id"));
      }
    }
  }

  private static void badQueries(List<Case> cases) {
    for (String path : List.of(GRAPHS, GRAPHS + "/{id}/executions")) {
      for (String limit : List.of("-1", "0", "101", "abc", "1e3", "99999999999", SQL_INJECTION)) {
        cases.add(
            new Case(
                "GET " + path + "?limit=" + abbreviate(limit),
                () ->
                    request()
                        .queryParam("limit", limit)
                        .get(path.replace("{id}", Targets.graphId())),
                400,
                "E007",
                "limit"));
      }
      for (String offset : List.of("-1", "abc", "1.5")) {
        cases.add(
            new Case(
                "GET " + path + "?offset=" + offset,
                () ->
                    request()
                        .queryParam("offset", offset)
                        .get(path.replace("{id}", Targets.graphId())),
                400,
                "E007",
                "offset"));
      }
    }
    for (String wait :
        List.of("abc", "-1", "30001", "999999", "1.5", "99999999999", JNDI_INJECTION)) {
      cases.add(
          new Case(
              "execute ?wait=" + abbreviate(wait),
              () ->
                  request()
                      .contentType(JSON)
                      .body("{}")
                      .queryParam("wait", wait)
                      .post(GRAPHS + "/{id}/execute", Targets.graphId()),
              400,
              "E007",
              "wait"));
    }
  }

  private static void badExecuteBodies(List<Case> cases) {
    Map<String, String[]> bodies = new java.util.LinkedHashMap<>();
    bodies.put("truncated JSON", new String[] {"{\"context\": {\"a\": 1", "E007", "context.a"});
    bodies.put("an array", new String[] {"[]", "E007", DOCUMENT});
    bodies.put("a string", new String[] {"\"context\"", "E007", DOCUMENT});
    bodies.put("trailing content", new String[] {"{} {}", "E007", DOCUMENT});
    bodies.put("context a string", new String[] {"{\"context\": \"x\"}", "E007", "context"});
    bodies.put("context an array", new String[] {"{\"context\": [1]}", "E007", "context"});
    bodies.put("input a number", new String[] {"{\"input\": 1}", "E007", "input"});
    bodies.put(
        "context and input", new String[] {"{\"context\": {}, \"input\": {}}", "E007", "input"});
    bodies.put("unknown field", new String[] {"{\"contxt\": {}}", "E007", "contxt"});
    bodies.put(
        "duplicate key", new String[] {"{\"context\": {\"a\": 1, \"a\": 2}}", "E007", "context.a"});
    bodies.put(
        "NUL in a value",
        new String[] {"{\"context\": {\"a\": \"x\\u0000y\"}}", "E007", "context.a"});
    bodies.put(
        "NUL in a key",
        new String[] {"{\"context\": {\"a\\u0000\": 1}}", "E007", "context.a\u0000"});
    bodies.put(
        "lone surrogate",
        new String[] {"{\"context\": {\"a\": [\"\\ud800\"]}}", "E007", "context.a[0]"});
    bodies.put(
        "raw control character",
        new String[] {"{\"context\": {\"a\": \"x\u0001\"}}", "E007", "context.a"});
    bodies.put(
        "10k nested arrays",
        new String[] {
          "{\"context\": {\"a\": " + nested("[", "]", 10_000) + "}}", "E007", DOCUMENT
        });
    bodies.put(
        "10k nested objects",
        new String[] {
          "{\"context\": " + nested("{\"a\":", "}", 10_000, "1") + "}", "E007", DOCUMENT
        });
    bodies.put(
        "context over 256 KiB",
        new String[] {
          "{\"context\": {\"a\": \"" + "x".repeat(300_000) + "\"}}", "E010", "context"
        });
    bodies.forEach(
        (name, spec) ->
            cases.add(
                new Case(
                    "execute body " + name,
                    () ->
                        request()
                            .contentType(JSON)
                            .body(spec[0])
                            .post(GRAPHS + "/{id}/execute", Targets.graphId()),
                    400,
                    spec[1],
                    spec[2])));
  }

  private static void badHeaders(List<Case> cases) {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put("256 characters", "k".repeat(256));
    keys.put("a tab inside", "key\twith-tab");
    keys.put("non-ASCII", "schl\u00fcssel");
    keys.forEach(
        (name, key) ->
            cases.add(
                new Case(
                    "execute Idempotency-Key " + name,
                    () ->
                        request()
                            .contentType(JSON)
                            .body("{}")
                            .header("Idempotency-Key", key)
                            .post(GRAPHS + "/{id}/execute", Targets.graphId()),
                    400,
                    "E007",
                    "Idempotency-Key")));
  }

  private static void badMediaTypes(List<Case> cases) {
    String graph = json(base());
    for (String type :
        List.of(
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x")) {
      cases.add(
          new Case(
              "create as " + type,
              () -> request().contentType(type).body(graph).post(GRAPHS),
              415,
              "E007",
              null));
      cases.add(
          new Case(
              "replace as " + type,
              () ->
                  request().contentType(type).body(graph).put(GRAPHS + "/{id}", Targets.graphId()),
              415,
              "E007",
              null));
      cases.add(
          new Case(
              "validate as " + type,
              () -> request().contentType(type).body(graph).post(GRAPHS + "/validate"),
              415,
              "E007",
              null));
      cases.add(
          new Case(
              "execute as " + type,
              () ->
                  request()
                      .contentType(type)
                      .body("{\"context\": {}}")
                      .post(GRAPHS + "/{id}/execute", Targets.graphId()),
              415,
              "E007",
              null));
    }
    cases.add(
        new Case(
            "execute as YAML",
            () ->
                request()
                    .contentType(YAML)
                    .body("context: {}")
                    .post(GRAPHS + "/{id}/execute", Targets.graphId()),
            415,
            "E007",
            null));
  }

  private static void hugeBodies(List<Case> cases) {
    String huge =
        "{\"name\": \"huge\", \"description\": \""
            + "x".repeat(1024 * 1024 + 10)
            + "\", \"nodes\": {}}";
    cases.add(
        new Case(
            "create over 1 MiB",
            () -> request().contentType(JSON).body(huge).post(GRAPHS),
            413,
            "E007",
            null));
    cases.add(
        new Case(
            "replace over 1 MiB",
            () -> request().contentType(JSON).body(huge).put(GRAPHS + "/{id}", Targets.graphId()),
            413,
            "E007",
            null));
    cases.add(
        new Case(
            "validate over 1 MiB",
            () -> request().contentType(JSON).body(huge).post(GRAPHS + "/validate"),
            413,
            "E007",
            null));
    cases.add(
        new Case(
            "execute over 1 MiB",
            () ->
                request()
                    .contentType(JSON)
                    .body("{\"context\": {\"a\": \"" + "x".repeat(1024 * 1024 + 10) + "\"}}")
                    .post(GRAPHS + "/{id}/execute", Targets.graphId()),
            413,
            "E007",
            null));
  }

  /** A body RestAssured sends chunked: an input stream of unknown length. */
  static InputStream chunked(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    return new SequenceInputStream(
        Collections.enumeration(
            List.of(
                new ByteArrayInputStream(bytes, 0, half),
                new ByteArrayInputStream(bytes, half, bytes.length - half))));
  }

  private static void unknownTargets(List<Case> cases) {
    String unknown = UUID.randomUUID().toString();
    for (Endpoint endpoint : idEndpoints()) {
      cases.add(
          new Case(
              endpoint.method() + " " + endpoint.path() + " unknown id",
              () -> call(endpoint, unknown),
              404,
              "E004",
              null));
    }
    cases.add(
        new Case("unknown path", () -> request().get("/api/v1/nothing-here"), 404, "E004", null));
    cases.add(
        new Case(
            "unknown path with traversal",
            () -> request().urlEncodingEnabled(false).get("/api/v1/graphs/..%2F..%2Fetc%2Fpasswd"),
            400,
            "E007",
            "id"));
    cases.add(
        new Case(
            "method not allowed",
            () -> request().delete(EXECUTIONS + "/{id}", Targets.executionId()),
            405,
            "E007",
            null));
  }

  // ------------------------------------------------------------------ the answer

  static void assertAnswer(Case bad, Response response) {
    String body = response.asString();
    assertThat(response.statusCode())
        .as("status of %s: %s", bad, abbreviate(body))
        .isEqualTo(bad.status());
    assertThat(response.contentType()).as("content type of %s", bad).startsWith(PROBLEM);
    JsonNode problem = tree(body);
    assertThat(problem.path("type").asText()).startsWith("urn:logic-graph:problem:");
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("status").asInt()).isEqualTo(bad.status());
    assertThat(problem.path("detail").asText()).isNotBlank();
    assertThat(problem.path("code").asText())
        .as("code of %s: %s", bad, abbreviate(body))
        .isEqualTo(bad.code());
    if (bad.path() != null) {
      assertThat(paths(problem))
          .as("error paths of %s: %s", bad, abbreviate(body))
          .contains(bad.path());
      problem.path("errors").forEach(e -> assertThat(e.path("message").asText()).isNotBlank());
    }
    assertNoLeak(body);
  }

  static JsonNode tree(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + abbreviate(body), e);
    }
  }

  static List<String> paths(JsonNode answer) {
    List<String> paths = new ArrayList<>();
    answer.path("errors").forEach(e -> paths.add(e.path("path").asText()));
    return paths;
  }

  static void assertNoLeak(String body) {
    assertThat(body)
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("io.logicgraph");
    java.util.regex.Matcher className = CLASS_NAME.matcher(body);
    assertThat(className.find() ? className.group() : null).as("class name in %s", body).isNull();
    assertThat(body.length()).as("size of the problem").isLessThan(64 * 1024);
  }

  static String abbreviate(String text) {
    String visible = text.replace("\u0000", "\\0");
    return visible.length() <= 40
        ? visible
        : visible.substring(0, 37) + "...(" + visible.length() + ")";
  }

  /**
   * A request with the tests' credentials whose bodies go out exactly as written, as UTF-8 (by
   * default RestAssured re-reads JSON text, which takes seconds for a deeply nested body).
   */
  static RequestSpecification request() {
    return Fixtures.api().config(AS_WRITTEN);
  }

  static TextNode text(String value) {
    return JsonNodeFactory.instance.textNode(value);
  }
}
