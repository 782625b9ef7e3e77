package io.logicgraph.deploy.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Typed parsing that rejects unknown fields. Kubernetes kinds map to fabric8's model classes, which
 * keep unknown keys in {@code additionalProperties} instead of failing: {@link #unknownFields}
 * walks the parsed object and reports every such key. KEDA kinds map to {@link Keda}'s records,
 * read with {@code FAIL_ON_UNKNOWN_PROPERTIES}.
 */
final class StrictParser {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final KubernetesSerialization KUBERNETES =
      new KubernetesSerialization(new ObjectMapper(), true);

  private StrictParser() {}

  /** The documents of a multi-document YAML text, empty documents skipped. */
  static List<JsonNode> documents(String yaml) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode node : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          out.add(node);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The typed object for a document: a fabric8 model class, or a {@link Keda} record.
   *
   * @throws IllegalArgumentException for a kind with no typed schema, or an unknown field
   */
  static Object parse(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText();
    String kind = document.path("kind").asText();
    if (Keda.API_VERSION.equals(apiVersion)) {
      Class<?> type =
          switch (kind) {
            case "ScaledObject" -> Keda.ScaledObject.class;
            case "TriggerAuthentication" -> Keda.TriggerAuthentication.class;
            default ->
                throw new IllegalArgumentException("no schema for " + apiVersion + " " + kind);
          };
      try {
        return STRICT.treeToValue(document, type);
      } catch (IOException e) {
        throw new IllegalArgumentException(kind + ": " + e.getMessage(), e);
      }
    }
    Class<? extends KubernetesResource> type =
        KUBERNETES.getRegisteredKubernetesResource(apiVersion, kind);
    if (type == null || type == GenericKubernetesResource.class) {
      throw new IllegalArgumentException("no schema for " + apiVersion + " " + kind);
    }
    Object typed = KUBERNETES.convertValue(document, type);
    List<String> unknown = unknownFields(typed);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(kind + " has unknown fields: " + unknown);
    }
    return typed;
  }

  /** Paths of keys the schema does not know, collected from fabric8's additionalProperties. */
  static List<String> unknownFields(Object root) {
    List<String> out = new ArrayList<>();
    walk(root, "", out, 0);
    return out;
  }

  private static void walk(Object value, String path, List<String> out, int depth) {
    if (value == null || depth > 64) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out, depth + 1));
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", out, depth + 1);
      }
      return;
    }
    Class<?> type = value.getClass();
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        try {
          walk(
              component.getAccessor().invoke(value),
              path + "." + component.getName(),
              out,
              depth + 1);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return;
    }
    if (!type.getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        field.setAccessible(true);
        Object fieldValue;
        try {
          fieldValue = field.get(value);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
        if (field.getName().equals("additionalProperties")) {
          if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
            extra.keySet().forEach(k -> out.add(path + "." + k));
          }
        } else {
          walk(fieldValue, path + "." + field.getName(), out, depth + 1);
        }
      }
    }
  }
}
