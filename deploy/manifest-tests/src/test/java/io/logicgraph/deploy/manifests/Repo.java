package io.logicgraph.deploy.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository from the test's working directory. */
final class Repo {
  private static final Path ROOT = findRoot();

  private Repo() {}

  /** A path relative to the repository root. */
  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    String configured = System.getProperty("fleet.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "deploy", "k8s"))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/k8s"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository root (no deploy/k8s above here)");
  }
}
