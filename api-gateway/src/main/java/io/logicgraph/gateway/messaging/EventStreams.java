package io.logicgraph.gateway.messaging;

import io.logicgraph.model.message.ExecutionEvents;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads the orchestrator's per-execution event streams ({@link ExecutionEvents#streamKey}). Uses
 * the Redis client {@value #CLIENT} of its own: a blocking read holds a pooled connection for up to
 * its block time, and those reads must never starve the rest of the gateway's Redis use.
 */
@ApplicationScoped
public class EventStreams {
  /** Name of the Redis client (quarkus.redis.events.*) used for event streams. */
  public static final String CLIENT = "events";

  /** Where a reader starts when it has seen nothing: before the first entry. */
  public static final String START = "0-0";

  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}(-\\d{1,20})?");
  private static final Duration CLIENT_MARGIN = Duration.ofSeconds(3);

  private final ReactiveStreamCommands<String, String, String> streams;
  private final ReactiveKeyCommands<String> keys;

  public EventStreams(@RedisClientName(CLIENT) ReactiveRedisDataSource redis) {
    this.streams = redis.stream(String.class);
    this.keys = redis.key(String.class);
  }

  /** One entry of a stream: its id and the fields the orchestrator wrote. */
  public record Entry(String id, String event, String data) {}

  /** True when the text is a stream entry id ({@code <ms>-<seq>} or {@code <ms>}). */
  public static boolean isEntryId(String text) {
    return text != null && ENTRY_ID.matcher(text).matches();
  }

  /** Whether the execution's stream exists (it expires a day after its last entry). */
  public Uni<Boolean> exists(UUID executionId) {
    return keys.exists(ExecutionEvents.streamKey(executionId));
  }

  /** True when the stream has at least one entry after {@code after}; false when it is missing. */
  public Uni<Boolean> hasEntriesAfter(UUID executionId, String after) {
    return streams
        .xrange(ExecutionEvents.streamKey(executionId), StreamRange.of("(" + after, "+"), 1)
        .map(found -> !found.isEmpty());
  }

  /**
   * Up to {@code count} entries after {@code after}; with a {@code block} time, waits that long for
   * the first one when there is none yet (also while the stream does not exist). Empty when none
   * came.
   */
  public Uni<List<Entry>> read(UUID executionId, String after, int count, Duration block) {
    XReadArgs args = new XReadArgs().count(count);
    Duration limit = CLIENT_MARGIN;
    if (block != null && !block.isZero()) {
      args.block(block);
      limit = limit.plus(block);
    }
    return streams
        .xread(ExecutionEvents.streamKey(executionId), after, args)
        // the client itself has no command timeout: a lost reply must not stall the reader
        .ifNoItem()
        .after(limit)
        .fail()
        .map(
            messages ->
                messages == null ? List.of() : messages.stream().map(EventStreams::entry).toList());
  }

  private static Entry entry(StreamMessage<String, String, String> message) {
    var fields = message.payload();
    return new Entry(message.id(), fields.get("event"), fields.get("data"));
  }
}
