package io.logicgraph.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Secret templates in deploy/k8s/secrets are typed Secrets holding placeholders only. */
class SecretTemplatesTest {

  static List<Path> templates() {
    try (Stream<Path> files = Files.list(Repo.path("deploy/k8s/secrets"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".example.yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names of the Secrets the templates describe. */
  static Set<String> templateNames() {
    Set<String> names = new HashSet<>();
    for (Path file : templates()) {
      for (JsonNode document : StrictParser.documents(read(file))) {
        names.add(document.path("metadata").path("name").asText());
      }
    }
    return names;
  }

  @Test
  void everyTemplateIsASecretOfPlaceholders() {
    assertThat(templates()).hasSizeGreaterThanOrEqualTo(5);
    for (Path file : templates()) {
      List<JsonNode> documents = StrictParser.documents(read(file));
      assertThat(documents).as(file.toString()).hasSize(1);
      Object typed = StrictParser.parse(documents.get(0));
      assertThat(typed).as(file.toString()).isInstanceOf(Secret.class);
      Secret secret = (Secret) typed;
      assertThat(secret.getMetadata().getNamespace()).isEqualTo(OverlayInvariantsTest.NAMESPACE);
      OverlayInvariantsTest.assertOnlyPlaceholders(file.getFileName().toString(), secret);
    }
  }

  @Test
  void noManifestUnderDeployK8sCarriesASecretWithRealValues() throws IOException {
    // Catches a Secret added to a component or overlay that no overlay renders yet.
    try (Stream<Path> files = Files.walk(Repo.path("deploy/k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (JsonNode document : StrictParser.documents(read(file))) {
          if ("Secret".equals(document.path("kind").asText())) {
            Secret secret = (Secret) StrictParser.parse(document);
            OverlayInvariantsTest.assertOnlyPlaceholders(file.toString(), secret);
          }
        }
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
