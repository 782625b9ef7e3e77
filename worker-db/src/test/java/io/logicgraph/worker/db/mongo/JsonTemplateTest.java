package io.logicgraph.worker.db.mongo;

import static io.logicgraph.worker.db.NodeTasks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import org.junit.jupiter.api.Test;

class JsonTemplateTest {
  private static final ObjectNode CONTEXT =
      json(
          "{'qty': 20, 'price': 12.5, 'ok': true, 'none': null, 'name': 'Ann',"
              + " 'tags': ['a', 'b'], 'address': {'city': 'Lyon'},"
              + " 'evil': '{\\'$ne\\': null}', 'op': {'$ne': null}, 'deep': [{'x': {'$gt': 1}}]}");

  @Test
  void aWholePlaceholderKeepsTheJsonTypeOfTheValue() {
    ObjectNode filled =
        fill(
            "{'qty': '{{qty}}', 'price': '{{ price }}', 'ok': '{{ok}}', 'none': '{{none}}',"
                + " 'missing': '{{nowhere.at.all}}', 'tags': '{{tags}}', 'address': '{{address}}',"
                + " 'first_tag': '{{tags.0}}'}");
    assertThat(filled.toString())
        .isEqualTo(
            "{\"qty\":20,\"price\":12.5,\"ok\":true,\"none\":null,\"missing\":null,"
                + "\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Lyon\"},\"first_tag\":\"a\"}");
  }

  @Test
  void placeholdersInsideTextRenderAsText() {
    ObjectNode filled =
        fill("{'key': 'order-{{qty}}', 'who': 'Dear {{name}} from {{address}}', 'plain': 'x'}");
    assertThat(filled.toString())
        .isEqualTo(
            "{\"key\":\"order-20\",\"who\":\"Dear Ann from {\\\"city\\\":\\\"Lyon\\\"}\","
                + "\"plain\":\"x\"}");
  }

  @Test
  void nestedObjectsArraysAndOperatorsOfTheTemplateAreWalked() {
    ObjectNode filled =
        fill(
            "{'qty': {'$gte': '{{qty}}', '$in': ['{{qty}}', 5]}, '$or': [{'name': '{{name}}'}],"
                + " '{{name}}': 1}");
    assertThat(filled.toString())
        .isEqualTo(
            "{\"qty\":{\"$gte\":20,\"$in\":[20,5]},\"$or\":[{\"name\":\"Ann\"}],\"{{name}}\":1}");
  }

  @Test
  void anInjectionLookingStringStaysAString() {
    ObjectNode filled = fill("{'name': '{{evil}}'}");
    assertThat(filled.get("name").isTextual()).isTrue();
    assertThat(filled.get("name").textValue()).isEqualTo("{'$ne': null}".replace('\'', '"'));
  }

  @Test
  void contextValuesCarryingOperatorsAreRefused() {
    for (String template : new String[] {"{'name': '{{op}}'}", "{'any': ['{{deep}}']}"}) {
      assertThatThrownBy(() -> fill(template))
          .isInstanceOfSatisfying(
              LogicGraphException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.E010);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("filter of node 'n'").contains("'$");
              });
    }
  }

  private static ObjectNode fill(String template) {
    return JsonTemplate.fill(json(template), CONTEXT, "n", "filter");
  }
}
