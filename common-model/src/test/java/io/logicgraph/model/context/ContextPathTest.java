package io.logicgraph.model.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.logicgraph.model.message.Json;
import org.junit.jupiter.api.Test;

class ContextPathTest {
  private final JsonNode root =
      json(
          """
          {"a": {"b": [{"c": 1}, {"c": "two"}], "n": null, "0": "zero-key"},
           "rows": [[10, 20]], "top": true}
          """);

  @Test
  void walksObjectsAndArrays() {
    assertThat(ContextPath.get(root, "a.b.0.c").asInt()).isEqualTo(1);
    assertThat(ContextPath.get(root, "a.b.1.c").asText()).isEqualTo("two");
    assertThat(ContextPath.get(root, "rows.0.1").asInt()).isEqualTo(20);
    assertThat(ContextPath.get(root, "top").asBoolean()).isTrue();
  }

  @Test
  void numericSegmentNamesAnObjectKey() {
    assertThat(ContextPath.get(root, "a.0").asText()).isEqualTo("zero-key");
  }

  @Test
  void missingStepsAreJsonNullNeverJavaNull() {
    assertThat(ContextPath.get(root, "a.x.y")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(root, "a.b.5.c")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(root, "a.b.first")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(root, "top.deeper")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(root, "a..b")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(root, "")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.get(null, "a")).isEqualTo(NullNode.getInstance());
  }

  @Test
  void resolveTellsAbsentFromNull() {
    assertThat(ContextPath.resolve(root, "a.n")).isEqualTo(NullNode.getInstance());
    assertThat(ContextPath.resolve(root, "a.m")).isEqualTo(MissingNode.getInstance());
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
