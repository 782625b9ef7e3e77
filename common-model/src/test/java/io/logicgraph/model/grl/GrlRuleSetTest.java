package io.logicgraph.model.grl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.message.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrlRuleSetTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = GrlRuleSetTest.class.getResourceAsStream("/grl/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, JsonNode> facts(String json) {
    Map<String, JsonNode> facts = new LinkedHashMap<>();
    try {
      Json.MAPPER
          .readTree(json)
          .fields()
          .forEachRemaining(f -> facts.put(f.getKey(), f.getValue()));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
    return facts;
  }

  @Test
  void parsesBothHeaderFormsAttributesAndComments() throws IOException {
    GrlRuleSet pricing = GrlRuleSet.parse(resource("pricing.grl"));

    assertThat(pricing.rules())
        .extracting(GrlRule::name, GrlRule::salience, GrlRule::noLoop, GrlRule::line)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple("BaseDiscount", 20, true, 3),
            org.assertj.core.api.Assertions.tuple("NoDiscount", 30, true, 12),
            org.assertj.core.api.Assertions.tuple("BulkDiscount", 15, true, 17),
            org.assertj.core.api.Assertions.tuple("Total", 5, true, 22),
            org.assertj.core.api.Assertions.tuple("CountVisits", 1, false, 30));
    GrlRule base = pricing.rules().get(0);
    assertThat(base.condition().source().strip()).isEqualTo("customer_tier == 'gold'");
    assertThat(base.actions()).hasSize(2);
    assertThat(base.actions().get(0))
        .isInstanceOfSatisfying(
            GrlAction.Assign.class, a -> assertThat(a.fact()).isEqualTo("discount"));
    assertThat(base.actions().get(1)).isInstanceOf(GrlAction.Log.class);
    assertThat(pricing.rules().get(2).condition().paths()).containsExactly("quantity", "discount");
  }

  @Test
  void runsCyclesUntilNothingFires() throws IOException {
    GrlEvaluation result =
        GrlRuleSet.parse(resource("pricing.grl"))
            .evaluate(
                facts(
                    "{\"customer_tier\": \"gold\", \"quantity\": 120, \"price\": 2.0, \"visits\": 0}"));

    assertThat(result.cycles()).isEqualTo(6);
    assertThat(result.capped()).isFalse();
    assertThat(result.firedRules())
        .containsExactly(
            "BaseDiscount",
            "BulkDiscount",
            "Total",
            "CountVisits",
            "CountVisits",
            "CountVisits",
            "CountVisits",
            "CountVisits");
    assertThat(result.rulesFired()).isEqualTo(8);
    assertThat(result.assigned().keySet())
        .containsExactly("discount", "subtotal", "total", "visits");
    assertThat(result.assigned().get("visits")).isEqualTo(IntNode.valueOf(5));
    assertThat(result.log())
        .containsExactly("gold customer, discount 0.1", "total: 204.0 for 120 items");
  }

  @Test
  void stopsWhenACycleChangesNothing() throws IOException {
    GrlEvaluation result =
        GrlRuleSet.parse(resource("restock.grl"))
            .evaluate(
                facts(
                    "{\"on_hand\": 20, \"min_stock\": 100, \"daily_sales\": 10,"
                        + " \"discontinued\": true, \"unit_cost\": 2.5}"));

    assertThat(result.cycles()).isEqualTo(2);
    assertThat(result.firedRules())
        .containsExactly("NeedsRestock", "Discontinued", "NeedsRestock", "Discontinued");
    assertThat(result.facts().get("restock")).isEqualTo(BooleanNode.FALSE);
    assertThat(result.assigned().keySet()).containsExactly("restock", "gap", "note");
  }

  @Test
  void aSmallerCycleLimitStopsEarlierAndIsReported() {
    GrlEvaluation result =
        GrlRuleSet.parse("rule \"Forever\" { when true then n = n + 1; }")
            .evaluate(Map.of("n", IntNode.valueOf(0)), 7);

    assertThat(result.capped()).isTrue();
    assertThat(result.cycles()).isEqualTo(7);
    assertThat(result.facts().get("n").asInt()).isEqualTo(7);
  }

  @Test
  void reportsTheCycleCap() {
    GrlEvaluation result =
        GrlRuleSet.parse("rule \"Forever\" { when true then n = n + 1; }")
            .evaluate(Map.of("n", IntNode.valueOf(0)));

    assertThat(result.capped()).isTrue();
    assertThat(result.cycles()).isEqualTo(GrlRuleSet.MAX_CYCLES);
    assertThat(result.facts().get("n").asInt()).isEqualTo(100);
  }

  @Test
  void noLoopRulesFireOncePerEvaluation() {
    GrlEvaluation result =
        GrlRuleSet.parse("rule \"Once\" salience 3 no-loop { when true then n = n + 1; }")
            .evaluate(Map.of("n", IntNode.valueOf(0)));

    assertThat(result.facts().get("n").asInt()).isEqualTo(1);
    assertThat(result.cycles()).isEqualTo(2);
    assertThat(result.capped()).isFalse();
  }

  @Test
  void noLoopFalseMeansARuleMayReFire() {
    GrlRuleSet rules = GrlRuleSet.parse("rule \"Up\" no-loop false { when n < 3 then n = n + 1; }");

    assertThat(rules.rules().get(0).noLoop()).isFalse();
    assertThat(rules.evaluate(Map.of("n", IntNode.valueOf(0))).facts().get("n").asInt())
        .isEqualTo(3);
  }

  @Test
  void salienceOrdersRulesAndTiesKeepFileOrder() {
    GrlEvaluation result =
        GrlRuleSet.parse(
                """
                rule "Low" salience 1 no-loop { when true then order = order + "L"; }
                rule "TieA" salience 5 no-loop { when true then order = order + "A"; }
                rule "High" salience 9 no-loop { when true then order = "H"; }
                rule "TieB" salience 5 no-loop { when true then order = order + "B"; }
                rule "Neg" salience -2 no-loop { when order == "HABL" then seen = true; }
                """)
            .evaluate(Map.of());

    assertThat(result.facts().get("order")).isEqualTo(TextNode.valueOf("HABL"));
    assertThat(result.facts().get("seen")).isEqualTo(BooleanNode.TRUE);
  }

  @Test
  void conditionsReadingUnsetFactsAreFalse() {
    GrlEvaluation result =
        GrlRuleSet.parse(
                """
                rule "Cmp" no-loop { when ghost > 1 then a = 1; }
                rule "Ne" no-loop { when ghost != 1 then b = 1; }
                rule "EqNull" no-loop { when ghost == null then c = 1; }
                rule "Arith" no-loop { when ghost * 2 < 10 then d = 1; }
                rule "Bare" no-loop { when ghost then e = 1; }
                rule "Either" no-loop { when ghost > 1 || known == 1 then f = 1; }
                rule "Nulls" no-loop { when empty == null then g = 1; }
                """)
            .evaluate(facts("{\"known\": 1, \"empty\": null}"));

    assertThat(result.assigned().keySet()).containsExactly("f", "g");
  }

  @Test
  void inputFactsAreLeftUntouchedAndJavaNullIsUnset() {
    Map<String, JsonNode> input = new HashMap<>();
    input.put("x", IntNode.valueOf(1));
    input.put("y", null);

    GrlEvaluation result =
        GrlRuleSet.parse("rule \"R\" no-loop { when y == null || x == 1 then x = 2; }")
            .evaluate(input);

    assertThat(input.get("x")).isEqualTo(IntNode.valueOf(1));
    assertThat(result.facts()).containsOnlyKeys("x");
    assertThat(result.facts().get("x")).isEqualTo(IntNode.valueOf(2));
  }

  @Test
  void anAssignmentReadingAnUnsetFactFailsWithE003() {
    GrlRuleSet rules =
        GrlRuleSet.parse(
            """
            rule "Short" no-loop {
              when need > 0
              then shortage = need - on_hand;
            }
            """);

    assertThatThrownBy(() -> rules.evaluate(Map.of("need", IntNode.valueOf(5))))
        .isInstanceOfSatisfying(
            LogicGraphException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.E003))
        .hasMessage("rule \"Short\" (line 3): 'shortage = need - on_hand' reads unset on_hand");
  }

  @Test
  void evaluationErrorsNameTheRule() {
    GrlRuleSet rules = GrlRuleSet.parse("rule \"Bad\" { when true then x = name * 2; }\n");

    assertThatThrownBy(() -> rules.evaluate(Map.of("name", TextNode.valueOf("abc"))))
        .isInstanceOf(LogicGraphException.class)
        .hasMessage(
            "rule \"Bad\" (line 1): cannot evaluate 'x = name * 2': operator '*' at column 6"
                + " needs numbers, got string \"abc\" and number 2");
  }

  @Test
  void factsComeFromTopLevelScalarsAndFieldMappings() throws IOException {
    JsonNode context =
        Json.MAPPER.readTree(
            """
            {"product_id": "p1", "qty": 4, "rows": [{"demand": 7.5}], "obj": {"a": 1},
             "flag": null}
            """);

    Map<String, JsonNode> facts =
        GrlFacts.from(
            context, Map.of("demand", "rows.0.demand", "missing", "rows.3.demand", "qty", "x"));

    assertThat(facts).containsOnlyKeys("product_id", "qty", "flag", "demand");
    assertThat(facts.get("demand").asDouble()).isEqualTo(7.5);
    assertThat(facts.get("qty").asInt()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "`rule \"A\" { when x > 1 then y = 2 }\nrule \"A\" { when true then z = 1; }` => duplicate"
            + " rule name \"A\" at line 2, column 1 (first defined on line 1) => 2 => 1",
        "`rule \"A\" {\n  when (x > 1\n  then y = 2;\n}` => rule \"A\": unexpected end of input at"
            + " line 2, column 14; expected ')' => 2 => 14",
        "`rule \"A\" {\n  when x > 1\n    y = 2;\n}` => unexpected ';' at line 3, column 10;"
            + " expected 'then' after the condition of rule \"A\" => 3 => 10",
        "`rule \"A\" { when x >> 1 then y = 2; }` => rule \"A\": unexpected '>' at line 1,"
            + " column 20; expected an operand => 1 => 20",
        "`rule \"A\" { when then y = 2; }` => unexpected 'then' at line 1, column 17; expected a"
            + " condition after 'when' in rule \"A\" => 1 => 17",
        "`rule \"A\" { when true then Retract(\"x\"); }` => unknown function 'Retract' at line 1,"
            + " column 27; actions are 'fact = expression;' and 'Log(...);' => 1 => 27",
        "`rule \"A\" { when true then Order.total = 1; }` => only top-level facts can be"
            + " assigned; 'Order.total' names a nested field at line 1, column 27 => 1 => 27",
        "`rule \"A\" { when true then x == 1; }` => unexpected '=' at line 1, column 29;"
            + " expected '=' or '(' after 'x' => 1 => 29",
        "`rule \"A\" { when true then x = ; }` => unexpected ';' at line 1, column 31; expected"
            + " a value after '=' in rule \"A\" => 1 => 31",
        "`rule \"A\" { when true then }` => unexpected '}' at line 1, column 27; expected an"
            + " action after 'then' in rule \"A\" => 1 => 27",
        "`rule \"A\" salience high { when true then x = 1; }` => unexpected 'high' at line 1,"
            + " column 19; expected an integer after 'salience' => 1 => 19",
        "`rule \"A\" agenda-group \"g\" { when true then x = 1; }` => attribute 'agenda-group' is"
            + " not supported at line 1, column 10 => 1 => 10",
        "`rule \"A\" when true then x = 1;` => unexpected 'when' at line 1, column 10; expected"
            + " '{' to open rule \"A\" => 1 => 10",
        "`rule \"A\" { when true then x = 1;` => unexpected end of rules at line 1, column 33;"
            + " expected '}' to close rule \"A\" => 1 => 33",
        "`rule \"A\" { when true then Log(\"a\" x); }` => rule \"A\": unexpected 'x' at line 1,"
            + " column 35; expected an operator or end of input => 1 => 35",
        "`// only a comment\n/* and another */` => no rule found at line 2, column 18; expected"
            + " rule \"Name\" { when ... then ...; } => 2 => 18",
        "`salience 3` => unexpected 'salience' at line 1, column 1; expected 'rule' => 1 => 1",
        "`rule \"A\" { when true then x = \"open; }` => unterminated string starting at line 1,"
            + " column 31 => 1 => 31",
        "`/* never closed\nrule` => unterminated comment starting at line 1, column 1 => 1 => 1",
      })
  void parseErrorsNameLineAndColumn(String text, String message, int line, int column) {
    String source = text.replace("\\n", "\n");
    assertThatThrownBy(() -> GrlRuleSet.parse(source))
        .isInstanceOfSatisfying(
            GrlParseException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.E003);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.column()).isEqualTo(column);
            })
        .hasMessage(message);
  }

  @Test
  void thenInsideAStringOrAPathIsNotTheKeyword() {
    GrlEvaluation result =
        GrlRuleSet.parse(
                "rule \"A\" no-loop { when label == \"then\" && order.then == 1 then ok = true; }")
            .evaluate(facts("{\"label\": \"then\", \"order\": {\"then\": 1}}"));

    assertThat(result.facts().get("ok")).isEqualTo(BooleanNode.TRUE);
  }

  @Test
  void parsesTheRustLogicGraphRuleFiles() throws IOException {
    Path dir =
        List.of(
                Path.of("../../shared/fixtures/rust-logic-graph"),
                Path.of("../shared/fixtures/rust-logic-graph"))
            .stream()
            .filter(Files::isDirectory)
            .findFirst()
            .orElse(null);
    assumeTrue(dir != null, "shared rust-logic-graph fixtures not present");

    GrlRuleSet basic = GrlRuleSet.parse(Files.readString(dir.resolve("purchasing_rules.grl")));
    GrlRuleSet complex =
        GrlRuleSet.parse(Files.readString(dir.resolve("purchasing_rules_complex.grl")));

    assertThat(basic.size()).isEqualTo(11);
    assertThat(basic.rules()).noneMatch(GrlRule::noLoop);
    assertThat(complex.size()).isEqualTo(15);
    assertThat(complex.rules()).allMatch(GrlRule::noLoop);
    assertThat(complex.rules().get(0).name()).isEqualTo("CalculateShortage");
  }
}
