package io.logicgraph.model.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.message.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ExpressionTest {
  private static final JsonNode CONTEXT =
      json(
          """
          {"qty": 3, "price": 12.5, "name": "widget", "active": true, "none": null,
           "order": {"items": [{"sku": "a1", "n": 2}], "total": 0},
           "empty_list": [], "empty_obj": {}, "blank": "", "user_id": 7}
          """);

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("1 + 2 * 3", "7"),
        Arguments.of("(1 + 2) * 3", "9"),
        Arguments.of("10 - 2 - 3", "5"),
        Arguments.of("7 / 2", "3.5"),
        Arguments.of("6 / 2", "3"),
        Arguments.of("7 % 3", "1"),
        Arguments.of("-qty + 1", "-2"),
        Arguments.of("- -2", "2"),
        Arguments.of("price * 2", "25.0"),
        Arguments.of("qty * price", "37.5"),
        Arguments.of("1.5e2", "150.0"),
        Arguments.of("name + '-' + qty", "\"widget-3\""),
        Arguments.of("'n=' + none", "\"n=\""),
        Arguments.of("\"tab\\there \\\"q\\\" \\u0041\"", "\"tab\\there \\\"q\\\" A\""),
        Arguments.of("'it\\'s'", "\"it's\""),
        Arguments.of("order.items.0.sku", "\"a1\""),
        Arguments.of("order.items.0", "{\"sku\":\"a1\",\"n\":2}"),
        Arguments.of("missing.path", "null"),
        Arguments.of("null", "null"),
        Arguments.of("9223372036854775807 + 1", "9.223372036854776E18"),
        Arguments.of("qty > 2 && name", "true"),
        Arguments.of("0 || blank", "false"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("values")
  void evaluates(String source, String expectedJson) {
    JsonNode value = Expression.parse(source).evaluate(CONTEXT);
    assertThat(value.toString()).isEqualTo(expectedJson);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "qty == 3 => true",
        "qty == 3.0 => true",
        "price > qty => true",
        "price >= 12.5 && price <= 12.5 => true",
        "qty != 4 => true",
        "name == 'widget' => true",
        "name < 'x' => true",
        "'apple' > 'banana' => false",
        "qty == '3' => false",
        "active == 1 => false",
        "active == true => true",
        "none == null => true",
        "missing == null => true",
        "qty != null => true",
        "none != null => false",
        "none < 1 => false",
        "none > 1 => false",
        "none >= none => false",
        "name > 1 => false",
        "!active => false",
        "!(qty > 5) => true",
        "!missing => true",
        "order.total => false",
        "empty_list => false",
        "empty_obj => false",
        "blank => false",
        "order => true",
        "order.items => true",
        "1 < 2 == true => true",
        "qty > 1 && price < 10 || name == 'widget' => true",
        "false && 1 / 0 => false",
        "true || 1 / 0 => true",
        "order.items.0.n * qty == 6 => true",
        "user_id == 7 => true",
        "order == order => true",
        "empty_list == empty_obj => false",
      })
  void tests(String source, boolean expected) {
    assertThat(Expression.parse(source).test(CONTEXT)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "(qty > 1)) => unexpected ')' at column 10; expected an operator or end of input",
        "qty > ) => unexpected ')' at column 7; expected an operand",
        "(qty => unexpected end of input at column 5; expected ')'",
        "qty = 3 => unexpected character '=' at column 5; use '==' to compare",
        "a & b => unexpected character '&' at column 3; use '&&'",
        "a | b => unexpected character '|' at column 3; use '||'",
        "'abc => unterminated string starting at column 1",
        "a.b. => unexpected character '.' at column 4",
        "3x => unexpected character 'x' at column 2 after a number",
        "'\\q' => invalid escape '\\q' at column 2",
        "qty 3 => unexpected '3' at column 5; expected an operator or end of input",
        "a # b => unexpected character '#' at column 3",
      })
  void reportsParseErrorsWithColumn(String source, String message) {
    assertThatThrownBy(() -> Expression.parse(source))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ExpressionException) e).code()).isEqualTo(ErrorCode.E003));
  }

  @Test
  void blankIsNotAnExpression() {
    assertThatThrownBy(() -> Expression.parse("  "))
        .hasMessage("unexpected end of input at column 3; expected an operand");
  }

  @Test
  void columnIsExposed() {
    assertThatThrownBy(() -> Expression.parse("(a > 1) && )"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.column()).isEqualTo(12);
              assertThat(e.messageAt("line 2, column 20"))
                  .isEqualTo("unexpected ')' at line 2, column 20; expected an operand");
            });
  }

  @Test
  void rejectsRunawayNesting() {
    String deep = "(".repeat(150) + "1" + ")".repeat(150);
    assertThatThrownBy(() -> Expression.parse(deep))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("nested deeper than 100 levels");
    assertThat(Expression.parse("(".repeat(50) + "1" + ")".repeat(50)).evaluate(CONTEXT).asInt())
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "name * 2 => operator '*' at column 6 needs numbers, got string \"widget\" and number 2",
        "qty / 0 => division by zero at column 5",
        "price % 0.0 => modulo by zero at column 7",
        "none + 1 => operator '+' at column 6 needs numbers or a string, got null and number 1",
        "-name => operator '-' at column 1 needs a number, got string \"widget\"",
        "order - 1 => operator '-' at column 7 needs numbers, got object and number 1",
      })
  void failsEvaluationWithE003(String source, String message) {
    Expression expression = Expression.parse(source);
    assertThatThrownBy(() -> expression.evaluate(CONTEXT))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.E003))
        .hasMessage(message);
  }

  @Test
  void unknownPathsMakeComparisonsFalse() {
    JsonNode facts = json("{\"x\": 5, \"n\": null}");
    assertThat(test("y > 1", facts)).isFalse();
    assertThat(test("y != 1", facts)).isFalse();
    assertThat(test("y == null", facts)).isFalse();
    assertThat(test("n == null", facts)).isTrue();
    assertThat(test("y * 2 > 1", facts)).isFalse();
    assertThat(test("y", facts)).isFalse();
    assertThat(test("!y", facts)).isFalse();
    assertThat(test("x > 1 || y > 1", facts)).isTrue();
    assertThat(test("!(y > 1)", facts)).isTrue();
    assertThat(Expression.parse("y + 1").evaluate(facts, MissingPaths.UNKNOWN).isMissingNode())
        .isTrue();
  }

  private static boolean test(String source, JsonNode facts) {
    return Expression.parse(source).test(facts, MissingPaths.UNKNOWN);
  }

  @Test
  void listsReferencedPaths() {
    Expression e = Expression.parse("a.b > 1 && (c == 'x' || a.b < d.0.e) && true");
    assertThat(e.paths()).containsExactly("a.b", "c", "d.0.e");
    assertThat(e.source()).isEqualTo("a.b > 1 && (c == 'x' || a.b < d.0.e) && true");
  }

  @Test
  void nullContextReadsEverythingAsNull() {
    assertThat(Expression.parse("x == null").test(null)).isTrue();
  }

  @Test
  void guardsStringGrowth() {
    JsonNode big = Json.MAPPER.createObjectNode().put("s", "x".repeat(600_000));
    assertThatThrownBy(() -> Expression.parse("s + s").evaluate(big))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("longer than");
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
