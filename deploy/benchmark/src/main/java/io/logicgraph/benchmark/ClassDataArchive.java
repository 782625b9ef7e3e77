package io.logicgraph.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * A service's AppCDS archive beside its {@code quarkus-run.jar}. It is current when it is newer
 * than every other file of the application directory: a rebuild makes it stale, and the JVM would
 * then refuse it and start without shared classes.
 */
final class ClassDataArchive {
  private ClassDataArchive() {}

  static boolean current(Path applicationDirectory, String name) {
    Path archive = applicationDirectory.resolve(name);
    if (!Files.isRegularFile(archive)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(applicationDirectory)) {
      FileTime recorded = Files.getLastModifiedTime(archive);
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.equals(archive))
          .allMatch(file -> modified(file).compareTo(recorded) <= 0);
    } catch (IOException e) {
      return false;
    }
  }

  static void discard(Path applicationDirectory, String name) {
    try {
      Files.deleteIfExists(applicationDirectory.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove a stale class-data archive", e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(Long.MAX_VALUE);
    }
  }
}
