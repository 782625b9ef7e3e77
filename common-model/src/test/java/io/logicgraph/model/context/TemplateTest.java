package io.logicgraph.model.context;

import static io.logicgraph.model.context.ContextPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private final JsonNode context =
      json(
          """
          {"name": "Ada", "qty": 3, "price": 12.5, "ok": false,
           "user": {"id": 7, "tags": ["a", "b"]}, "nothing": null}
          """);

  @Test
  void insertsStringsRawAndScalarsAsText() {
    assertThat(Template.render("Hi {{name}}, {{ qty }} x {{price}} ok={{ok}}", context))
        .isEqualTo("Hi Ada, 3 x 12.5 ok=false");
  }

  @Test
  void encodesObjectsAndArraysAsJson() {
    assertThat(Template.render("{{user}} / {{user.tags}}", context))
        .isEqualTo("{\"id\":7,\"tags\":[\"a\",\"b\"]} / [\"a\",\"b\"]");
  }

  @Test
  void missingAndNullBecomeEmpty() {
    assertThat(Template.render("[{{absent.path}}][{{nothing}}]", context)).isEqualTo("[][]");
  }

  @Test
  void leavesNonPlaceholdersAlone() {
    assertThat(Template.render("{{}} {{ a b }} { {x} } $1 \\n", context))
        .isEqualTo("{{}} {{ a b }} { {x} } $1 \\n");
  }

  @Test
  void valuesAreNotReinterpreted() {
    JsonNode tricky = json("{\"v\": \"$1 \\\\ {{name}}\", \"name\": \"x\"}");
    assertThat(Template.render("<{{v}}>", tricky)).isEqualTo("<$1 \\ {{name}}>");
  }

  @Test
  void listsPathsInOrderWithoutDuplicates() {
    assertThat(Template.paths("{{b}} {{ a.0 }} {{b}}")).containsExactly("b", "a.0");
  }
}
