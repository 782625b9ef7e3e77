package io.logicgraph.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.message.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphLoaderTest {

  static String resource(String name) {
    try (InputStream in = GraphLoaderTest.class.getResourceAsStream("/graphs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource graphs/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ValidationReport yaml(String text) {
    return GraphLoader.load(text, GraphFormat.YAML, GraphLimits.DEFAULTS);
  }

  static ValidationReport json(String text) {
    return GraphLoader.load(text, GraphFormat.JSON, GraphLimits.DEFAULTS);
  }

  private static List<String> errorPaths(ValidationReport report) {
    return report.errors().stream().map(ValidationProblem::path).toList();
  }

  private static String onlyError(ValidationReport report) {
    assertThat(report.errors()).hasSize(1);
    return report.errors().get(0).path() + ": " + report.errors().get(0).message();
  }

  @Test
  void loadsAFullGraphIntoItsNormalizedForm() {
    ValidationReport report = yaml(resource("purchasing.yaml"));

    assertThat(report.errors()).isEmpty();
    assertThat(report.warnings()).isEmpty();
    GraphDefinition graph = report.graph();
    assertThat(graph.name()).isEqualTo("reorder-check");
    assertThat(graph.metadata().get("owner").asText()).isEqualTo("purchasing");
    assertThat(graph.nodes().keySet()).containsExactly("demand", "stock", "decide", "explain");

    NodeDefinition demand = graph.node("demand");
    assertThat(demand.id()).isEqualTo("demand");
    assertThat(demand.nodeType()).isEqualTo(NodeType.POSTGRES);
    assertThat(demand.description()).isEqualTo("Average daily demand of the product");
    assertThat(demand.text("database")).isEqualTo("sales_db");
    assertThat(demand.field("params").toString()).isEqualTo("[\"product_id\"]");
    assertThat(demand.config().fieldNames())
        .toIterable()
        .containsExactly("database", "query", "params", "max_rows");
    assertThat(demand.timeoutMs()).isEqualTo(2000L);
    assertThat(demand.retry()).isEqualTo(new RetryPolicy(3, 200, 2.0, 30_000));

    NodeDefinition stock = graph.node("stock");
    assertThat(stock.nodeType()).isEqualTo(NodeType.POSTGRES);
    assertThat(stock.cache()).isEqualTo(new CachePolicy(60));
    assertThat(stock.retry()).isNull();

    NodeDefinition decide = graph.node("decide");
    assertThat(decide.fieldMappings())
        .containsExactly(
            Map.entry("daily_demand", "demand_result.0.avg_daily_demand"),
            Map.entry("on_hand", "stock_result.0.on_hand"));
    assertThat(decide.text("rules")).contains("rule \"Reorder\"");

    NodeDefinition explain = graph.node("explain");
    assertThat(explain.onError()).isEqualTo(OnError.CONTINUE);
    assertThat(explain.field("temperature").asDouble()).isEqualTo(0.2);
    assertThat(explain.config().has("on_error")).isFalse();

    assertThat(graph.edges())
        .containsExactly(
            new EdgeDefinition("demand", "decide", null),
            new EdgeDefinition("decide", "explain", "reorder == true"),
            new EdgeDefinition("stock", "decide", null));
    assertThat(report.layers())
        .containsExactly(List.of("demand", "stock"), List.of("decide"), List.of("explain"));
  }

  @Test
  void aDbNodeTakesTheSqlRedisOrMongoFormAndRejectsAMixture() {
    ValidationReport report =
        yaml(
            """
            nodes:
              rows: {node_type: DBNode, database: shop, query: "SELECT 1"}
              cached: {node_type: DBNode, database: cache, operation: get, key: "k:{{id}}"}
              docs: {node_type: DBNode, database: docs, collection: orders, operation: find}
            """);
    assertThat(report.errors()).isEmpty();
    assertThat(report.graph().node("cached").text("operation")).isEqualTo("GET");
    assertThat(report.graph().node("docs").text("collection")).isEqualTo("orders");

    ValidationReport mixed =
        yaml("nodes: {bad: {node_type: DBNode, database: shop, query: 'SELECT 1', key: k}}\n");
    assertThat(onlyError(mixed))
        .isEqualTo("nodes.bad.key: 'key' does not apply to a SQL DBNode (it has 'query')");

    ValidationReport empty = yaml("nodes: {bare: {node_type: DBNode, database: shop}}\n");
    assertThat(errorPaths(empty)).containsExactly("nodes.bare.query");
  }

  @Test
  void normalizedGraphRoundTripsThroughTheWireMapper() throws Exception {
    for (String name : List.of("purchasing.yaml", "legacy-short-form.yaml", "diamond.json")) {
      ValidationReport report =
          GraphLoader.load(
              resource(name),
              name.endsWith(".json") ? GraphFormat.JSON : GraphFormat.YAML,
              GraphLimits.DEFAULTS);
      GraphDefinition graph = report.graph();

      JsonNode tree = Json.MAPPER.valueToTree(graph);
      assertThat(Json.MAPPER.treeToValue(tree, GraphDefinition.class)).isEqualTo(graph);
      String stored = Json.MAPPER.writeValueAsString(graph);
      GraphDefinition readBack = Json.MAPPER.readValue(stored, GraphDefinition.class);
      assertThat(readBack).isEqualTo(graph);
      assertThat(readBack.nodes().keySet()).containsExactlyElementsOf(graph.nodes().keySet());
      assertThat(stored).doesNotContain("\"conditional\"");

      ValidationReport again = GraphLoader.validate(readBack, GraphLimits.DEFAULTS);
      assertThat(again.errors()).isEmpty();
      assertThat(again.graph()).isEqualTo(graph);
      assertThat(again.layers()).isEqualTo(report.layers());
    }
  }

  @Test
  void acceptsTheLegacyShortFormDependenciesAndRuleAliases() {
    ValidationReport report = yaml(resource("legacy-short-form.yaml"));

    assertThat(report.errors()).isEmpty();
    GraphDefinition graph = report.graph();
    assertThat(graph.node("intake").nodeType()).isEqualTo(NodeType.RULE);
    assertThat(graph.node("intake").text("condition")).isEqualTo("true");
    assertThat(graph.node("screen").text("condition")).isEqualTo("amount > 0");
    assertThat(graph.node("approve").text("condition")).isEqualTo("true");
    assertThat(graph.edges())
        .containsExactly(
            new EdgeDefinition("intake", "screen", null),
            new EdgeDefinition("screen", "approve", "screened"));
  }

  @Test
  void loadsJsonAndMergesDependenciesIntoEdges() {
    ValidationReport report = json(resource("diamond.json"));

    assertThat(report.errors()).isEmpty();
    assertThat(report.graph().edges())
        .extracting(EdgeDefinition::from, EdgeDefinition::to)
        .containsExactly(
            tuple("start", "left"),
            tuple("start", "right"),
            tuple("left", "join"),
            tuple("right", "join"));
    assertThat(report.graph().node("right").config().toString())
        .isEqualTo("{\"database\":\"cache\",\"operation\":\"GET\",\"key\":\"user:{{user_id}}\"}");
    assertThat(report.layers())
        .containsExactly(List.of("start"), List.of("left", "right"), List.of("join"));
  }

  @Test
  void reportsEveryProblemOfADocumentTogether() {
    ValidationReport report = yaml(resource("many-errors.yaml"));

    assertThat(report.graph()).isNull();
    assertThat(report.layers()).isEmpty();
    assertThat(report.errors())
        .extracting(ValidationProblem::path)
        .containsExactly(
            "nodez",
            "name",
            "nodes.fetch.qurey",
            "nodes.fetch.query",
            "nodes.cache_user.value",
            "nodes.summarize.temperature",
            "nodes.gate.condition",
            "edges[1].to",
            "edges[2]",
            "edges[3].condition");
    assertThat(report.errors().get(2).message())
        .startsWith("unknown field 'qurey' for PostgresNode; allowed: database, query, params")
        .endsWith("(did you mean 'query'?)");
    assertThat(report.errors().get(4).message())
        .isEqualTo("missing required field 'value' for RedisNode (a template, required for SET)");
    assertThat(report.errors().get(5).message()).isEqualTo("'temperature' must be a number 0..2");
    assertThat(report.errors().get(6).message())
        .isEqualTo(
            "condition of node 'gate' does not parse: unexpected end of input at column 17;"
                + " expected ')'");
    assertThat(report.errors().get(7).message()).isEqualTo("unknown node 'nowhere'");
    assertThat(report.errors().get(8).message())
        .isEqualTo("self-loop: an edge from 'gate' to itself");
    assertThat(report.errors().get(9).message())
        .isEqualTo(
            "condition does not parse: unexpected end of input at column 14; expected an"
                + " operand");
  }

  @Test
  void namesTheCycleFromItsFirstNodeInDocumentOrder() {
    ValidationReport report = yaml(resource("cycle.yaml"));

    assertThat(onlyError(report))
        .isEqualTo("edges: cycle detected: load -> check -> adjust -> load");
  }

  @Test
  void reportsEachCycleOnce() {
    ValidationReport report =
        yaml(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode, d: RuleNode, e: RuleNode}
            edges:
              - {from: a, to: c}
              - {from: a, to: b}
              - {from: b, to: a}
              - {from: c, to: a}
              - {from: d, to: e}
              - {from: e, to: d}
            """);

    assertThat(report.errors())
        .extracting(ValidationProblem::message)
        .containsExactly("cycle detected: a -> b -> a", "cycle detected: d -> e -> d");
  }

  @Test
  void cycleThroughDependenciesIsFound() {
    ValidationReport report =
        yaml(
            """
            nodes:
              a: {type: RuleNode, dependencies: [c]}
              b: {type: RuleNode, dependencies: [a]}
              c: {type: RuleNode, dependencies: [b]}
            """);

    assertThat(onlyError(report)).isEqualTo("edges: cycle detected: a -> b -> c -> a");
  }

  @Test
  void rejectsConnectionStringsWithoutEchoingThem() {
    ValidationReport report =
        yaml(
            """
            nodes:
              q:
                node_type: MySQLNode
                database: "mysql://root:hunter2@db:3306/shop"
                connection_string: "postgres://u:secret@h/db"
                query: SELECT 1
            """);

    assertThat(errorPaths(report)).containsExactly("nodes.q.connection_string", "nodes.q.database");
    assertThat(report.errors())
        .allSatisfy(
            p -> {
              assertThat(p.message())
                  .isEqualTo(
                      "connection strings never come from a graph: name a configured datasource"
                          + " in 'database' (E004)");
              assertThat(p.message()).doesNotContain("hunter2", "secret");
            });
  }

  @Test
  void rejectsProviderEndpointsOnAiNodes() {
    ValidationReport report =
        yaml(
            """
            nodes:
              ask: {node_type: OllamaNode, prompt: hi, base_url: "http://169.254.169.254/"}
            """);

    assertThat(onlyError(report))
        .isEqualTo(
            "nodes.ask.base_url: provider endpoints and API keys never come from a graph: they"
                + " are configured on worker-ai (E004)");
  }

  @Test
  void checksTheRequiredFieldsOfEachNodeType() {
    ValidationReport report =
        yaml(
            """
            nodes:
              sql: {node_type: PostgresNode}
              redis: {node_type: RedisNode, database: cache, operation: get}
              mongo: {node_type: MongoNode, database: docs, operation: insert}
              llm: {node_type: ClaudeNode, prompt: "  "}
              ai: {node_type: AINode, prompt: hi, provider: mistral}
              grl: {node_type: GrlNode}
            """);

    assertThat(report.errors())
        .extracting(ValidationProblem::path, ValidationProblem::message)
        .containsExactly(
            tuple(
                "nodes.sql.database",
                "missing required field 'database' for PostgresNode (the name of a configured"
                    + " datasource)"),
            tuple(
                "nodes.sql.query",
                "missing required field 'query' for PostgresNode (the SQL statement)"),
            tuple("nodes.redis.key", "missing required field 'key' for RedisNode (a template)"),
            tuple("nodes.mongo.collection", "missing required field 'collection' for MongoNode"),
            tuple(
                "nodes.mongo.document",
                "missing required field 'document' for MongoNode (required for insert)"),
            tuple("nodes.llm.prompt", "'prompt' must not be blank"),
            tuple("nodes.ai.provider", "'provider' must be one of openai, anthropic, ollama"),
            tuple("nodes.grl.rules", "missing required field 'rules' for GrlNode (GRL rule text)"));
  }

  @Test
  void normalizesEnumeratedValuesAndDefaults() {
    ValidationReport report =
        yaml(
            """
            nodes:
              put: {node_type: RedisNode, database: cache, operation: set, key: "k:{{id}}", value: "{{v}}", ttl_s: 30}
              look: {node_type: MongoNode, database: docs, collection: users, operation: FIND, filter: {id: "{{id}}"}, limit: 5}
              ai: {node_type: AINode, prompt: hi}
            edges:
              - {from: put, to: look}
              - {from: look, to: ai}
            """);

    assertThat(report.errors()).isEmpty();
    assertThat(report.graph().node("put").text("operation")).isEqualTo("SET");
    assertThat(report.graph().node("look").text("operation")).isEqualTo("find");
    assertThat(report.graph().node("look").field("filter").toString())
        .isEqualTo("{\"id\":\"{{id}}\"}");
    assertThat(report.graph().node("ai").text("provider")).isEqualTo("openai");
  }

  @Test
  void checksCommonFields() {
    ValidationReport report =
        yaml(
            """
            nodes:
              a:
                node_type: RuleNode
                timeout_ms: 0
                retry: {max_attempts: 0, backoff_ms: -1, multiplier: 0.5, jitter: true}
                cache: {ttl: 5}
                on_error: ignore
                field_mappings: {x: 3}
                inputs: {"": y}
                dependencies: [b, 7]
              b:
                node_type: RuleNode
                retry: {max_attempts: 2, backoff_ms: 500, max_backoff_ms: 100}
            """);

    assertThat(report.errors())
        .extracting(ValidationProblem::path, ValidationProblem::message)
        .containsExactly(
            tuple("nodes.a.timeout_ms", "'timeout_ms' must be a positive integer"),
            tuple("nodes.a.on_error", "'on_error' must be one of fail, continue"),
            tuple(
                "nodes.a.retry.jitter",
                "unknown field 'jitter'; allowed: max_attempts, backoff_ms, multiplier,"
                    + " max_backoff_ms"),
            tuple("nodes.a.retry.max_attempts", "'max_attempts' must be a positive integer"),
            tuple("nodes.a.retry.backoff_ms", "'backoff_ms' must be a non-negative integer"),
            tuple("nodes.a.retry.multiplier", "'multiplier' must be a number at least 1"),
            tuple(
                "nodes.a.cache.ttl", "unknown field 'ttl'; allowed: ttl_s (did you mean 'ttl_s'?)"),
            tuple("nodes.a.cache.ttl_s", "missing required field 'ttl_s' for cache"),
            tuple("nodes.a.field_mappings.x", "must be a context path string (a.b.0.c)"),
            tuple("nodes.a.inputs.", "names must not be blank"),
            tuple("nodes.a.dependencies[1]", "must be a non-blank string"),
            tuple(
                "nodes.b.retry.max_backoff_ms",
                "'max_backoff_ms' must be at least 'backoff_ms' (500)"));
  }

  @Test
  void grlRulesMustParse() {
    ValidationReport report =
        yaml(
            """
            nodes:
              decide:
                node_type: GrlNode
                rules: |
                  rule "Reorder" salience 10 {
                    when stock < (demand * 2
                    then reorder = true;
                  }
            """);

    assertThat(onlyError(report))
        .isEqualTo(
            "nodes.decide.rules: rules of node 'decide' do not parse: rule \"Reorder\": unexpected"
                + " end of input at line 2, column 27; expected ')'");
  }

  @Test
  void grlRuleCountIsLimited() {
    String rules = "rule \"A\" { when true then a = 1; }\nrule \"B\" { when true then b = 1; }\n";
    ValidationReport report =
        GraphLoader.load(
            "{\"nodes\": {\"g\": {\"node_type\": \"GrlNode\", \"rules\": "
                + Json.MAPPER.valueToTree(rules)
                + "}}}",
            GraphFormat.JSON,
            new GraphLimits(10, 10, 1));

    assertThat(onlyError(report))
        .isEqualTo("nodes.g.rules: node 'g' has 2 GRL rules; the limit is 1");
  }

  @Test
  void typeAndNodeTypeMustAgree() {
    assertThat(onlyError(yaml("nodes: {a: {type: RuleNode, node_type: DBNode}}")))
        .isEqualTo(
            "nodes.a.type: 'type' (RuleNode) and 'node_type' (DBNode) disagree; give one of them");
    assertThat(yaml("nodes: {a: {type: RuleNode, node_type: RuleNode}}").errors()).isEmpty();
    assertThat(onlyError(yaml("nodes: {a: {description: no type}}")))
        .isEqualTo("nodes.a.node_type: missing node type: set 'node_type' (or its alias 'type')");
  }

  @Test
  void namesUnknownAndUnsupportedNodeTypes() {
    assertThat(onlyError(yaml("nodes: {a: {node_type: Foo}}")))
        .isEqualTo(
            "nodes.a.node_type: unknown node type 'Foo'; known: PostgresNode, MySQLNode,"
                + " RedisNode, MongoNode, DBNode, OpenAINode, ClaudeNode, OllamaNode, AINode,"
                + " RuleNode, GrlNode, SubgraphNode");
    assertThat(onlyError(yaml("nodes: {a: FooNode}"))).startsWith("nodes.a: unknown node type");
    assertThat(onlyError(yaml("nodes: {a: 42}")))
        .isEqualTo("nodes.a: expected a node object or a node type name such as RuleNode");
  }

  @Test
  void edgeEndpointsConditionsAndDuplicates() {
    ValidationReport report =
        yaml(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode}
            edges:
              - {from: a, to: b, condition: "x > 1"}
              - {from: a, to: b, rule: "x > 1"}
              - {from: a, to: b, condition: "x > 2"}
              - {from: b, to: c, condition: "x", rule: "y"}
              - {from: zz, too: c}
              - [a, b]
            """);

    assertThat(report.errors())
        .extracting(ValidationProblem::path, ValidationProblem::message)
        .containsExactly(
            tuple(
                "edges[3].rule",
                "'rule' is an alias of 'condition' and they disagree; give one of them"),
            tuple(
                "edges[4].too",
                "unknown field 'too' for an edge; allowed: from, to, condition, rule (did you mean"
                    + " 'to'?)"),
            tuple("edges[4].from", "unknown node 'zz'"),
            tuple("edges[4].to", "missing required field 'to' for an edge (a node id)"),
            tuple("edges[5]", "an edge must be an object with 'from' and 'to'"),
            tuple(
                "edges[2]",
                "edge a -> b is declared twice with different conditions (see edges[0])"));
  }

  @Test
  void mergesRepeatedEdgesAndLetsAnEdgeRefineADependency() {
    ValidationReport report =
        yaml(
            """
            nodes:
              a: RuleNode
              b: {type: RuleNode, dependencies: [a, a]}
            edges:
              - {from: a, to: b, condition: "a_result == true"}
              - {from: a, to: b, rule: "a_result == true"}
            """);

    assertThat(report.errors()).isEmpty();
    assertThat(report.graph().edges())
        .containsExactly(new EdgeDefinition("a", "b", "a_result == true"));
  }

  @Test
  void edgeConditionsAcceptYamlScalarsAndBlankMeansNone() {
    ValidationReport report =
        yaml(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode}
            edges:
              - {from: a, to: b, condition: true}
              - {from: b, to: c, condition: "  "}
            """);

    assertThat(report.graph().edges())
        .containsExactly(new EdgeDefinition("a", "b", "true"), new EdgeDefinition("b", "c", null));
  }

  @Test
  void dependenciesMustNameOtherNodes() {
    ValidationReport report =
        yaml(
            """
            nodes:
              a: {type: RuleNode, dependencies: [ghost, a]}
            """);

    assertThat(report.errors())
        .extracting(ValidationProblem::path, ValidationProblem::message)
        .containsExactly(
            tuple("nodes.a.dependencies[0]", "unknown node 'ghost'"),
            tuple("nodes.a.dependencies[1]", "node 'a' cannot depend on itself"));
  }

  @Test
  void enforcesSizeLimits() {
    GraphLimits small = new GraphLimits(2, 1, 10);
    ValidationReport report =
        GraphLoader.load(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode}
            edges: [{from: a, to: b}, {from: b, to: c}]
            """,
            GraphFormat.YAML,
            small);

    assertThat(report.errors())
        .extracting(ValidationProblem::path, ValidationProblem::message)
        .containsExactly(
            tuple("nodes", "the graph has 3 nodes; the limit is 2"),
            tuple("edges", "the graph has 2 edges (dependencies included); the limit is 1"));
  }

  @Test
  void warnsAboutDisconnectedParts() {
    ValidationReport report =
        yaml(
            """
            nodes: {a: RuleNode, b: RuleNode, c: RuleNode, d: RuleNode}
            edges: [{from: a, to: c}]
            """);

    assertThat(report.isValid()).isTrue();
    assertThat(report.warnings())
        .containsExactly(
            new ValidationProblem(
                "nodes",
                "the graph has 3 disconnected parts that run independently: {a, c}, {b}, {d}"));
    assertThat(report.layers()).containsExactly(List.of("a", "b", "d"), List.of("c"));
  }

  @Test
  void malformedInputIsOneProblemWithLineAndColumn() {
    assertThat(onlyError(json("{\"nodes\": {\"a\": }}")))
        .startsWith(": malformed JSON: Unexpected character ('}'")
        .endsWith("at line 1, column 17");
    assertThat(onlyError(yaml("nodes:\n  a: RuleNode\n  b: [RuleNode\n")))
        .startsWith(": malformed YAML: while parsing a flow sequence")
        .endsWith("expected ',' or ']', but got <stream end> at line 3, column 15");
    assertThat(onlyError(yaml("nodes:\n  a: RuleNode\n  a: DBNode\n")))
        .isEqualTo(": duplicate key 'a' at line 3, column 6");
    assertThat(onlyError(json("{\"nodes\": {\"a\": \"RuleNode\"}, \"nodes\": {}}")))
        .startsWith(": duplicate key 'nodes'");
    assertThat(onlyError(json("{\"nodes\": {\"a\": \"RuleNode\"}} {}")))
        .startsWith(": unexpected content after the document");
    assertThat(onlyError(yaml("x: &v RuleNode\nnodes:\n  a: *v\n")))
        .isEqualTo(
            ": YAML aliases (*name) are not supported, at line 3, column 6: repeat the value"
                + " instead");
    assertThat(onlyError(yaml("# nothing here\n"))).isEqualTo(": the document is empty");
    assertThat(onlyError(json(""))).isEqualTo(": the document is empty");
    assertThat(onlyError(yaml("- a\n- b\n")))
        .isEqualTo(": a graph document must be an object with 'nodes' (got a list)");
    assertThat(onlyError(yaml("nodes: {}"))).isEqualTo("nodes: 'nodes' must not be empty");
    assertThat(onlyError(yaml("nodes: [a, b]")))
        .isEqualTo("nodes: 'nodes' must be a map of node id to node (got a list)");
  }

  @Test
  void toleratesAByteOrderMark() {
    assertThat(json("\uFEFF{\"nodes\": {\"a\": \"RuleNode\"}}").errors()).isEmpty();
    assertThat(yaml("\uFEFFnodes: {a: RuleNode}").errors()).isEmpty();
  }

  @Test
  void rejectsValuesJsonCannotStore() {
    assertThat(onlyError(yaml("metadata: {blob: !!binary aGVsbG8=}\nnodes: {a: RuleNode}")))
        .isEqualTo("metadata.blob: binary and other non-JSON values are not supported");
    assertThat(onlyError(json("{\"metadata\": {\"x\": 1e400}, \"nodes\": {\"a\": \"RuleNode\"}}")))
        .isEqualTo("metadata.x: not a finite number");
  }

  @Test
  void rejectsTextPostgresCannotStoreNamingTheKeyOrValue() {
    assertThat(
            onlyError(json("{\"description\": \"a\\u0000b\", \"nodes\": {\"a\": \"RuleNode\"}}")))
        .isEqualTo(
            "description: the text contains a NUL character (U+0000), which cannot be stored;"
                + " remove it");
    assertThat(
            onlyError(json("{\"metadata\": {\"k\\ud800\": 1}, \"nodes\": {\"a\": \"RuleNode\"}}")))
        .startsWith("metadata.k\ud800: the key contains an unpaired UTF-16 surrogate (U+D800)");
    assertThat(
            json("{\"description\": \"\\ud83d\\udd25 ok\", \"nodes\": {\"a\": \"RuleNode\"}}")
                .isValid())
        .isTrue();
  }

  @Test
  void rejectsYamlTagsAskingForTypes() {
    assertThat(
            onlyError(
                yaml(
                    "metadata: {x: !!java.net.URL [\"http://127.0.0.1/\"]}\nnodes: {a: RuleNode}")))
        .startsWith(
            "metadata.x: explicit YAML tags (!!type) other than YAML's own are not supported");
    assertThat(yaml("metadata: {x: !!str 12}\nnodes: {a: RuleNode}").isValid()).isTrue();
  }

  @Test
  void aModelIsANameNeverAnEndpoint() {
    String ai =
        "{\"nodes\": {\"a\": {\"node_type\": \"OpenAINode\", \"prompt\": \"p\", \"model\": \"%s\"}}}";
    assertThat(onlyError(json(ai.formatted("http://169.254.169.254/latest"))))
        .startsWith("nodes.a.model: 'model' must be a model name of the configured provider");
    assertThat(json(ai.formatted("llama3.2:latest")).isValid()).isTrue();
    assertThat(json(ai.formatted("meta-llama/Llama-3.1-8B")).isValid()).isTrue();
  }

  @Test
  void checksNodeIdsAndGraphName() {
    ValidationReport report = yaml("name: ok.name-1\nnodes: {\"a.b\": RuleNode}");

    assertThat(onlyError(report))
        .isEqualTo(
            "nodes.a.b: node id 'a.b' must be 1-100 characters of [A-Za-z0-9_-] (it names context"
                + " keys such as 'a.b_result')");
  }

  @Test
  void revalidationCatchesAnInconsistentDefinition() {
    GraphDefinition graph = yaml(resource("diamond.json")).graph();
    Map<String, NodeDefinition> nodes = new java.util.LinkedHashMap<>(graph.nodes());
    NodeDefinition left = nodes.get("left");
    nodes.put(
        "left",
        new NodeDefinition(
            "other",
            left.nodeType(),
            null,
            left.config().deepCopy().put("timeout_ms", 5).put("conditon", "x"),
            null,
            null,
            null,
            null,
            null,
            null));
    List<EdgeDefinition> edges = new java.util.ArrayList<>(graph.edges());
    edges.add(new EdgeDefinition("join", "start", null));

    ValidationReport report =
        GraphLoader.validate(
            new GraphDefinition(graph.name(), null, nodes, edges, null), GraphLimits.DEFAULTS);

    assertThat(errorPaths(report))
        .containsExactly(
            "nodes.left.id", "nodes.left.config.timeout_ms", "nodes.left.conditon", "edges");
    assertThat(report.errors().get(3).message())
        .isEqualTo("cycle detected: start -> left -> join -> start");
  }

  @Test
  void subgraphNodeNamesAStoredGraphWithMappings() {
    ValidationReport report =
        yaml(
            """
            nodes:
              calc:
                node_type: SubgraphNode
                graph_id: 3F2504E0-4F89-11D3-9A0C-0305E82C3301
                version: 2
                input_mapping: {product_price: order.price}
                output_mapping: {final_price: order_total, totals.0.saved: savings}
            """);

    assertThat(report.errors()).isEmpty();
    NodeDefinition calc = report.graph().node("calc");
    assertThat(calc.nodeType()).isEqualTo(NodeType.SUBGRAPH);
    assertThat(calc.nodeType().worker()).isEqualTo(WorkerKind.ORCHESTRATOR);
    assertThat(calc.nodeType().worker().queue()).isNull();
    assertThat(calc.nodeType().worker().isPool()).isFalse();
    assertThat(calc.text("graph_id")).isEqualTo("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    assertThat(calc.field("version").asInt()).isEqualTo(2);
    assertThat(calc.field("input_mapping").get("product_price").asText()).isEqualTo("order.price");
    assertThat(calc.field("output_mapping").get("totals.0.saved").asText()).isEqualTo("savings");
  }

  @Test
  void subgraphNodeRejectsFilesBadIdsBadMappingsAndUnknownKeys() {
    assertThat(onlyError(yaml("nodes: {calc: {node_type: SubgraphNode}}")))
        .isEqualTo(
            "nodes.calc.graph_id: missing required field 'graph_id' for SubgraphNode (the id of a"
                + " stored graph to run as a child execution)");
    ValidationReport report =
        yaml(
            """
            nodes:
              calc:
                node_type: SubgraphNode
                subgraph_file: examples/discount.yaml
                graph_id: not-a-uuid
                version: 0
                input_mapping: {a: 5}
                output_mapping: {x: "bad key", y: calc_result}
                output_maping: {}
            """);
    assertThat(report.errors())
        .extracting(p -> p.path() + ": " + p.message())
        .containsExactly(
            "nodes.calc.subgraph_file: graph files are not loaded: name a stored graph with"
                + " 'graph_id' (the id returned when the graph was created)",
            "nodes.calc.output_maping: " + report.errors().get(1).message(),
            "nodes.calc.graph_id: 'graph_id' must be the UUID of a stored graph",
            "nodes.calc.version: " + report.errors().get(3).message(),
            "nodes.calc.input_mapping.a: must be a context path string (a.b.0.c)",
            "nodes.calc.output_mapping.x: must name a top-level context key of the parent: 1-100"
                + " characters of [A-Za-z0-9_-]",
            "nodes.calc.output_mapping.y: 'calc_result' is written by the node itself; map to"
                + " another key");
    assertThat(report.errors().get(1).message()).contains("output_maping", "output_mapping");
  }

  @Test
  void overFansAWorkerNodeOutAndIsCheckedLikeAnyField() {
    ValidationReport report =
        yaml(
            """
            nodes:
              check: {node_type: RuleNode, condition: "item > 1", over: order.lines}
              fetch: {node_type: PostgresNode, database: shop, query: "SELECT $1::int",
                      params: [item.id], over: ids, max_concurrency: 3}
            """);
    assertThat(report.errors()).isEmpty();
    assertThat(report.graph().node("check").text("over")).isEqualTo("order.lines");
    assertThat(report.graph().node("check").field("max_concurrency").asInt()).isEqualTo(10);
    assertThat(report.graph().node("fetch").field("max_concurrency").asInt()).isEqualTo(3);

    assertThat(onlyError(yaml("nodes: {a: {node_type: RuleNode, max_concurrency: 2}}")))
        .isEqualTo("nodes.a.max_concurrency: 'max_concurrency' only applies with 'over'");
    assertThat(onlyError(yaml("nodes: {a: {node_type: RuleNode, over: [1, 2]}}")))
        .isEqualTo("nodes.a.over: 'over' must be a context path (a.b.0.c) to an array");
    assertThat(onlyError(yaml("nodes: {a: {node_type: RuleNode, over: xs, max_concurrency: 0}}")))
        .startsWith("nodes.a.max_concurrency: ");
    assertThat(
            onlyError(
                yaml(
                    "nodes: {s: {node_type: SubgraphNode,"
                        + " graph_id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301, over: xs}}")))
        .startsWith("nodes.s.over: ");
  }
}
