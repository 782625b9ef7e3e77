package io.logicgraph.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One kustomize overlay rendered offline with {@code kubectl kustomize}, every object typed. */
final class Overlay {
  private static final Map<String, Overlay> CACHE = new ConcurrentHashMap<>();

  /** The kubectl binary (-Dkubectl=/path to pick another). */
  private static final String KUBECTL = System.getProperty("kubectl", "kubectl");

  /** A rendered object: its raw document and its typed form. */
  record Rendered(String kind, String name, JsonNode document, Object typed) {}

  /** A pod template with the workload that owns it. */
  record PodTemplate(String ownerKind, String ownerName, PodTemplateSpec template) {
    Map<String, String> labels() {
      Map<String, String> labels = template.getMetadata().getLabels();
      return labels == null ? Map.of() : labels;
    }
  }

  final String name;
  final List<Rendered> objects;

  private Overlay(String name, List<Rendered> objects) {
    this.name = name;
    this.objects = objects;
  }

  /** The overlay folders under deploy/k8s/overlays (each with a kustomization.yaml). */
  static Stream<String> names() {
    try (Stream<Path> dirs = Files.list(Repo.path("deploy/k8s/overlays"))) {
      return dirs
          .filter(d -> Files.exists(d.resolve("kustomization.yaml")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean kubectlAvailable() {
    try {
      Process p = new ProcessBuilder(KUBECTL, "version", "--client").start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Renders deploy/k8s/overlays/NAME (once per test run) and parses every object strictly. */
  static Overlay render(String name) {
    return CACHE.computeIfAbsent(name, Overlay::doRender);
  }

  private static Overlay doRender(String name) {
    String yaml = kustomize(Repo.path("deploy/k8s/overlays/" + name));
    List<Rendered> objects = new ArrayList<>();
    for (JsonNode document : StrictParser.documents(yaml)) {
      String kind = document.path("kind").asText();
      String objectName = document.path("metadata").path("name").asText();
      Object typed;
      try {
        typed = StrictParser.parse(document);
      } catch (IllegalArgumentException e) {
        throw new AssertionError(
            "overlay " + name + ": " + kind + " " + objectName + ": " + e.getMessage(), e);
      }
      objects.add(new Rendered(kind, objectName, document, typed));
    }
    return new Overlay(name, List.copyOf(objects));
  }

  /** The output of {@code kubectl kustomize DIR}; fails with kubectl's message. */
  static String kustomize(Path dir) {
    try {
      Process p = new ProcessBuilder(KUBECTL, "kustomize", dir.toString()).start();
      byte[] err;
      String out;
      try (var stdout = p.getInputStream();
          var stderr = p.getErrorStream()) {
        // kustomize prints little on stderr: reading stdout first cannot block on a full pipe.
        out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        err = stderr.readAllBytes();
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Typed objects of one class. */
  <T> List<T> all(Class<T> type) {
    return objects.stream().map(Rendered::typed).filter(type::isInstance).map(type::cast).toList();
  }

  List<PodTemplate> podTemplates() {
    List<PodTemplate> out = new ArrayList<>();
    all(Deployment.class)
        .forEach(
            d ->
                out.add(
                    new PodTemplate(
                        "Deployment", d.getMetadata().getName(), d.getSpec().getTemplate())));
    all(StatefulSet.class)
        .forEach(
            s ->
                out.add(
                    new PodTemplate(
                        "StatefulSet", s.getMetadata().getName(), s.getSpec().getTemplate())));
    all(Job.class)
        .forEach(
            j ->
                out.add(
                    new PodTemplate("Job", j.getMetadata().getName(), j.getSpec().getTemplate())));
    return out;
  }

  /** Pod templates whose labels a selector matches ({@code null} selects nothing). */
  List<PodTemplate> podsSelectedBy(LabelSelector selector) {
    return podTemplates().stream().filter(p -> matches(selector, p.labels())).toList();
  }

  List<PodTemplate> podsSelectedBy(Map<String, String> matchLabels) {
    return podTemplates().stream()
        .filter(
            p -> matchLabels != null && p.labels().entrySet().containsAll(matchLabels.entrySet()))
        .toList();
  }

  /** Kubernetes label-selector semantics: matchLabels and matchExpressions, all must hold. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null
        && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
      return false;
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && r.getValues().contains(value);
              case "NotIn" -> value == null || !r.getValues().contains(value);
              case "Exists" -> value != null;
              case "DoesNotExist" -> value == null;
              default -> throw new AssertionError("unknown selector operator " + r.getOperator());
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  static String nameOf(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }

  @Override
  public String toString() {
    return name;
  }
}
