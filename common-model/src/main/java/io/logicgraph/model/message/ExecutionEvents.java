package io.logicgraph.model.message;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Where live progress of executions is published: one Redis stream per execution (entries with
 * fields {@code event} = an {@link ExecutionEventType} wire name and {@code data} = a JSON object
 * with at least {@code execution_id} and {@code at}, plus {@code node_id}, {@code attempt}, {@code
 * status}, {@code error} where they apply), trimmed and expiring, so a reader can replay from any
 * entry id (the SSE {@code Last-Event-ID}); and one pub/sub channel carrying the id of every
 * execution that reached a terminal status.
 */
public final class ExecutionEvents {
  /** Redis pub/sub channel: the id (plain text) of every execution that became terminal. */
  public static final String FINISHED_CHANNEL = "lgf:executions:finished";

  /** Entries kept per execution stream (approximate trim). */
  public static final int STREAM_MAX_LENGTH = 10_000;

  /** Seconds an execution's stream lives after its last entry. */
  public static final long STREAM_TTL_SECONDS = 24 * 3600;

  /** The API's timestamp form: ISO-8601 UTC with exactly six fractional digits. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private ExecutionEvents() {}

  /** An event's {@code at}, in the API's timestamp form. */
  public static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  /** The Redis stream key of an execution's events. */
  public static String streamKey(UUID executionId) {
    return "lgf:events:" + executionId;
  }
}
