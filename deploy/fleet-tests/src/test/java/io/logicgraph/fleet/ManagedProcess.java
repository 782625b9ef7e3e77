package io.logicgraph.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process of the fleet (a service or the LLM emulator), restartable with the
 * same command line, its output appended to one log file across restarts.
 */
final class ManagedProcess {
  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final Path log;
  private Process process;
  private boolean expectedAlive;
  private boolean deathReported;

  ManagedProcess(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path workingDirectory,
      Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.workingDirectory = workingDirectory;
    this.log = log;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  synchronized void start() {
    start(Map.of());
  }

  /** Starts the process with extra environment variables (for this run only). */
  synchronized void start(Map<String, String> extraEnvironment) {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "\n===== " + Instant.now() + " starting " + name + " =====\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().putAll(environment);
      builder.environment().putAll(extraEnvironment);
      process = builder.start();
      process.getOutputStream().close();
      expectedAlive = true;
      deathReported = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The exit code, or empty while running or never started. */
  synchronized String exitDescription() {
    if (process == null) {
      return "never started";
    }
    return process.isAlive() ? "running" : "exited with code " + process.exitValue();
  }

  /** SIGKILL, as a crash: no shutdown hook, no graceful close of connections. */
  void kill() {
    Process p = markStopping();
    if (p != null) {
      p.destroyForcibly();
      awaitExit(p, 10);
    }
  }

  /**
   * SIGKILL to the process's descendants first, then to the process: a crash of a server started
   * through a wrapper script (RabbitMQ's runs the Erlang VM as a child).
   */
  void killTree() {
    Process p = markStopping();
    if (p != null) {
      List<ProcessHandle> children = p.descendants().toList();
      children.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle child : children) {
        try {
          child.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          // gone or not: the parent is killed next either way
        }
      }
      p.destroyForcibly();
      awaitExit(p, 10);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code graceSeconds}. */
  void stop(long graceSeconds) {
    Process p = markStopping();
    if (p != null) {
      p.destroy();
      if (!awaitExit(p, graceSeconds)) {
        p.destroyForcibly();
        awaitExit(p, 10);
      }
    }
  }

  /** Sends SIGTERM without waiting (to stop several processes in parallel). */
  void signalStop() {
    Process p = markStopping();
    if (p != null) {
      p.destroy();
    }
  }

  private synchronized Process markStopping() {
    expectedAlive = false;
    return process != null && process.isAlive() ? process : null;
  }

  private static boolean awaitExit(Process p, long seconds) {
    try {
      return p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True once for a process that exited although nobody stopped it. */
  synchronized boolean diedUnexpectedlyUnreported() {
    if (expectedAlive && process != null && !process.isAlive() && !deathReported) {
      deathReported = true;
      return true;
    }
    return false;
  }

  /** The last lines of the log. */
  String tail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log at " + log + ")";
      }
      // Lenient decoding: a log may end inside a multi-byte character.
      String[] all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R");
      return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
