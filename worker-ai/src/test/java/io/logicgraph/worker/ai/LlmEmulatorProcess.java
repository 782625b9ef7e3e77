package io.logicgraph.worker.ai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LLM emulator of deploy/local/llm-emulator (OpenAI, Anthropic and Ollama APIs) started as a
 * process on a free port, so the tests exercise the same program operators run locally (its logic
 * exists only there).
 */
public final class LlmEmulatorProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)/v1");

  private final Process process;
  private final String root;

  private LlmEmulatorProcess(Process process, String root) {
    this.process = process;
    this.root = root;
  }

  /** Starts the emulator, requiring {@code apiKey} as the bearer key. */
  public static LlmEmulatorProcess start(String apiKey) {
    Path source = locate();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Process process =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx64m",
                  "-XX:TieredStopAtLevel=1",
                  source.toString(),
                  "--port",
                  "0",
                  "--api-key",
                  apiKey)
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> url =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  String line;
                  while ((line = out.readLine()) != null) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                      return matcher.group(1);
                    }
                  }
                  throw new IllegalStateException("the LLM emulator exited before listening");
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      String root = url.get(60, TimeUnit.SECONDS);
      // Keep draining its output so the process never blocks on a full pipe.
      Thread drain = new Thread(() -> out.lines().forEach(line -> {}), "llm-emulator-output");
      drain.setDaemon(true);
      drain.start();
      return new LlmEmulatorProcess(process, root);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the LLM emulator from " + source, e);
    }
  }

  /** {@code http://127.0.0.1:<port>/v1}: the OpenAI base URL. */
  public String baseUrl() {
    return root + "/v1";
  }

  /** {@code http://127.0.0.1:<port>}: the Anthropic and Ollama base URL. */
  public String root() {
    return root;
  }

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy/local/llm-emulator/LlmEmulator.java");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "deploy/local/llm-emulator/LlmEmulator.java not found above "
            + Path.of("").toAbsolutePath());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
