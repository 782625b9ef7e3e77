package io.logicgraph.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** The gateway's REST API as the benchmark uses it (X-API-Key on every call). */
final class FleetApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] EXECUTE_BODY =
      "{\"context\":{\"n\":1}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** One answered request: HTTP status, body, and when it was sent and answered (nanoTime). */
  record Answer(int status, JsonNode body, long sentNanos, long answeredNanos) {
    double latencyMillis() {
      return (answeredNanos - sentNanos) / 1e6;
    }
  }

  private final String base;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(
              Executors.newFixedThreadPool(
                  4,
                  runnable -> {
                    Thread thread = new Thread(runnable, "benchmark-http");
                    thread.setDaemon(true);
                    return thread;
                  }))
          .build();

  FleetApi(String baseUri, String apiKey) {
    this.base = baseUri + "/api/v1";
    this.apiKey = apiKey;
  }

  /** Stores a graph (JSON) and returns its id. */
  String createGraph(String graphJson) {
    Answer answer = send(request("/graphs").POST(HttpRequest.BodyPublishers.ofString(graphJson)));
    if (answer.status() != 201) {
      throw new IllegalStateException(
          "storing a graph answered " + answer.status() + ": " + answer.body());
    }
    return answer.body().path("id").asText();
  }

  /** Starts an execution; with waitMs > 0 the answer is the finished execution (200) or 202. */
  CompletableFuture<Answer> execute(String graphId, int waitMs) {
    HttpRequest request =
        request("/graphs/" + graphId + "/execute" + (waitMs > 0 ? "?wait=" + waitMs : ""))
            .POST(HttpRequest.BodyPublishers.ofByteArray(EXECUTE_BODY))
            .build();
    long sent = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response ->
                new Answer(response.statusCode(), parse(response.body()), sent, System.nanoTime()));
  }

  /**
   * {@code execute?wait} on the calling thread with a blocking HTTP/1.1 client (the JDK's {@code
   * HttpURLConnection}, on a kept-alive connection), for the latency figure: the asynchronous
   * {@code HttpClient} hands every request and answer between its selector thread and its executor,
   * which added 2-3 ms per request on the 2-core machine, more than a curl or Python client pays.
   */
  Answer executeAndWait(String graphId, int waitMs) {
    long sent = System.nanoTime();
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create(base + "/graphs/" + graphId + "/execute?wait=" + waitMs)
                  .toURL()
                  .openConnection();
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(60_000);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setRequestProperty("Accept", "application/json");
      connection.setRequestProperty("X-API-Key", apiKey);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(EXECUTE_BODY);
      }
      int status = connection.getResponseCode();
      byte[] body;
      try (InputStream in =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        body = in == null ? new byte[0] : in.readAllBytes();
      }
      return new Answer(status, parse(body), sent, System.nanoTime());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET /executions/{id}. */
  JsonNode execution(String id) {
    Answer answer = send(request("/executions/" + id).GET());
    if (answer.status() != 200) {
      throw new IllegalStateException(
          "GET execution answered " + answer.status() + ": " + answer.body());
    }
    return answer.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("X-API-Key", apiKey);
  }

  private Answer send(HttpRequest.Builder builder) {
    long sent = System.nanoTime();
    try {
      HttpResponse<byte[]> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), parse(response.body()), sent, System.nanoTime());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory()
          .textNode(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
