package io.logicgraph.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Server-Sent Events client on the JDK's HTTP client: reads a {@code text/event-stream} to its
 * end (the server closing it), or fails when it has not ended in time.
 */
final class EventStream {
  /** One event: its id, name and data (data lines joined with newlines); null where absent. */
  record Event(String id, String name, String data) {
    /** The data as JSON. */
    JsonNode json() {
      return FleetClient.json(data);
    }

    /** The data's node_id, or null. */
    String nodeId() {
      JsonNode node = json().get("node_id");
      return node == null || node.isNull() ? null : node.asText();
    }

    @Override
    public String toString() {
      return name + (data != null && data.contains("node_id") ? "(" + nodeId() + ")" : "");
    }
  }

  /** The response: status, content type, and the events read until the server ended the stream. */
  record Result(int status, String contentType, List<Event> events, List<String> comments) {}

  private EventStream() {}

  /**
   * The events of an execution that ended, replayed from the start by GET /executions/{id}/events;
   * asserts 200 text/event-stream.
   */
  static List<Event> replay(Fleet fleet, String executionId) {
    Result result =
        read(
            URI.create(fleet.apiBaseUri() + "/api/v1/executions/" + executionId + "/events"),
            null,
            Duration.ofSeconds(15));
    if (result.status() != 200 || !result.contentType().startsWith("text/event-stream")) {
      throw new AssertionError(
          "GET /executions/"
              + executionId
              + "/events answered "
              + result.status()
              + " "
              + result.contentType());
    }
    return result.events();
  }

  /** The events named {@code name} about {@code nodeId}. */
  static List<Event> of(List<Event> events, String name, String nodeId) {
    return events.stream().filter(e -> name.equals(e.name()) && nodeId.equals(e.nodeId())).toList();
  }

  /** GETs {@code uri} with {@code Accept: text/event-stream} and reads the whole stream. */
  static Result read(URI uri, String lastEventId, Duration atMost) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Accept", "text/event-stream")
            .header(Fleet.API_KEY_HEADER, Fleet.API_KEY)
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    List<Event> events = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    CompletableFuture<Result> reading =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
            .thenApply(
                response -> {
                  String type = response.headers().firstValue("Content-Type").orElse("");
                  try (InputStream body = response.body()) {
                    if (response.statusCode() == 200) {
                      parse(body, events, comments);
                    }
                  } catch (IOException e) {
                    throw new IllegalStateException("event stream broke after " + events, e);
                  }
                  return new Result(response.statusCode(), type, events, comments);
                });
    try {
      return reading.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reading.cancel(true);
      throw new AssertionError(
          "the event stream did not end within " + atMost + "; events so far: " + events);
    } catch (ExecutionException e) {
      throw new AssertionError("reading the event stream failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void parse(InputStream body, List<Event> events, List<String> comments)
      throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String id = null;
    String name = null;
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null || name != null || id != null) {
          synchronized (events) {
            events.add(new Event(id, name, data == null ? null : data.toString()));
          }
        }
        id = null;
        name = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        comments.add(line.substring(1).strip());
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> name = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> {} // retry and unknown fields
      }
    }
    if (data != null || name != null) {
      events.add(new Event(id, name, data == null ? null : data.toString()));
    }
  }
}
