package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.messaging.EventStreams;
import io.logicgraph.gateway.messaging.EventStreams.Entry;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore;
import io.logicgraph.gateway.store.ExecutionStore.Snapshot;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.message.ExecutionEventType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The live progress of one execution as Server-Sent Events, read from the execution's Redis stream
 * (replayed after the client's {@code Last-Event-ID}, then followed with short blocking reads).
 * PostgreSQL fills in what Redis cannot tell: a {@code snapshot} when a running execution has no
 * stream (its events were lost), and a made-up {@code execution_finished} when an ended execution's
 * stream is gone or never got its last event. The feed ends after {@code execution_finished} unless
 * more entries follow it (a retry), and reads only as fast as the client takes events.
 */
@ApplicationScoped
public class EventFeed {
  /** Event name of the current state sent when the stream cannot be replayed. */
  public static final String SNAPSHOT = "snapshot";

  /** Comment of the keep-alive lines. */
  public static final String KEEP_ALIVE = "keep-alive";

  private static final Logger LOG = Logger.getLogger(EventFeed.class);
  private static final Duration REDIS_RETRY = Duration.ofSeconds(1);

  private final EventStreams streams;
  private final ExecutionStore executions;
  private final ObjectMapper json;
  private final GatewayConfig.EventSettings settings;
  private final AtomicInteger streamsOpen = new AtomicInteger();

  public EventFeed(
      EventStreams streams,
      ExecutionStore executions,
      ObjectMapper json,
      GatewayConfig config,
      MeterRegistry registry) {
    this.streams = streams;
    this.executions = executions;
    this.json = json;
    this.settings = config.events();
    Gauge.builder("gateway.event.streams.open", streamsOpen, AtomicInteger::get)
        .description("Event streams (GET /executions/{id}/events) open now")
        .register(registry);
  }

  /** True when no further stream may be opened now. */
  public boolean full() {
    return streamsOpen.get() >= settings.maxStreams();
  }

  /** Event streams open now. */
  public int openStreams() {
    return streamsOpen.get();
  }

  /**
   * The events of a known execution of the tenant, after {@code lastEventId} (a checked stream
   * entry id) or from the start. Must be called on the request's Vert.x context.
   */
  public Multi<OutboundSseEvent> follow(ExecutionEntity execution, String lastEventId, Sse sse) {
    Tail tail = new Tail(execution, lastEventId, sse, Database.currentContextExecutor());
    return Multi.createBy()
        .repeating()
        .uni(tail::next)
        .whilst(step -> !step.last())
        .onItem()
        .transformToIterable(Step::events)
        .onSubscription()
        .invoke(streamsOpen::incrementAndGet)
        .onTermination()
        .invoke(streamsOpen::decrementAndGet);
  }

  /** What one round produced; {@code last} ends the feed after its events. */
  private record Step(List<OutboundSseEvent> events, boolean last) {
    static Step more(List<OutboundSseEvent> events) {
      return new Step(events, false);
    }

    static Step end(List<OutboundSseEvent> events) {
      return new Step(events, true);
    }
  }

  /** The state of one client's feed; rounds run one after the other, never concurrently. */
  private final class Tail {
    private final ExecutionEntity initial;
    private final UUID id;
    private final String tenant;
    private final String lastEventId;
    private final Sse sse;
    private final Executor onContext;
    private boolean opened;
    private String cursor = EventStreams.START;
    private boolean finalSeen;
    private boolean terminalSeen;
    private boolean snapshotDue;
    private long lastSent = System.nanoTime();
    private long lastStatusCheck;
    private boolean statusChecked;

    Tail(ExecutionEntity initial, String lastEventId, Sse sse, Executor onContext) {
      this.initial = initial;
      this.id = initial.id;
      this.tenant = initial.tenantId;
      this.lastEventId = lastEventId;
      this.sse = sse;
      this.onContext = onContext;
    }

    Uni<Step> next() {
      if (!opened) {
        opened = true;
        return open();
      }
      return round();
    }

    /**
     * First round: replay the stream if there is one. Without one, an ended execution gets its end
     * from PostgreSQL, a pending one simply waits for the stream the orchestrator will start, and a
     * running one (whose events were lost, or are being written right now) gets a snapshot unless
     * entries come within the grace time.
     */
    private Uni<Step> open() {
      ExecutionStatus status = ExecutionStatus.fromWire(initial.status);
      return streams
          .exists(id)
          .onFailure()
          .recoverWithItem(
              failure -> {
                LOG.debugf("event stream of %s unreadable: %s", id, failure.getMessage());
                return false;
              })
          .emitOn(onContext)
          .chain(
              exists -> {
                if (exists) {
                  if (lastEventId != null) {
                    cursor = lastEventId;
                  }
                  terminalSeen = status.isTerminal();
                  return round();
                }
                if (status.isTerminal()) {
                  return Uni.createFrom().item(Step.end(List.of(finished(initial))));
                }
                // a stream created from now on is read from its start
                snapshotDue = status == ExecutionStatus.RUNNING;
                return round();
              });
    }

    /** One read: new entries, or (when none came) heartbeat, status check and the end. */
    private Uni<Step> round() {
      Duration block = settings.block();
      if (finalSeen) {
        block = null; // only to learn whether anything follows the final event
      } else if ((terminalSeen || snapshotDue) && settings.terminalGrace().compareTo(block) < 0) {
        block = settings.terminalGrace();
      }
      Duration pause = block == null ? Duration.ZERO : block;
      return streams
          .read(id, cursor, settings.batchSize(), block)
          .onFailure()
          .recoverWithUni(
              failure -> {
                LOG.debugf("reading the event stream of %s failed: %s", id, failure.getMessage());
                // Redis away: keep the client (heartbeats, the end from PostgreSQL) and try again
                return Uni.createFrom()
                    .item(List.<Entry>of())
                    .onItem()
                    .delayIt()
                    .by(pause.isZero() ? REDIS_RETRY : pause);
              })
          .emitOn(onContext)
          .chain(entries -> entries.isEmpty() ? idle() : Uni.createFrom().item(deliver(entries)));
    }

    private Step deliver(List<Entry> entries) {
      List<OutboundSseEvent> events = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        events.add(event(entry));
        cursor = entry.id();
      }
      lastSent = System.nanoTime();
      terminalSeen = false;
      snapshotDue = false;
      finalSeen =
          type(entries.get(entries.size() - 1).event())
              .map(ExecutionEventType::isFinal)
              .orElse(false);
      // a short batch ending with the final event: nothing followed it when it was read
      return finalSeen && entries.size() < settings.batchSize()
          ? Step.end(events)
          : Step.more(events);
    }

    private Uni<Step> idle() {
      if (finalSeen) {
        return Uni.createFrom().item(Step.end(List.of()));
      }
      if (snapshotDue) {
        snapshotDue = false;
        return executions
            .snapshot(tenant, id)
            .map(
                snapshot -> {
                  ExecutionEntity now = snapshot.execution();
                  if (ExecutionStatus.fromWire(now.status).isTerminal()) {
                    return Step.end(List.of(finished(now)));
                  }
                  lastSent = System.nanoTime();
                  return Step.more(List.of(snapshot(snapshot)));
                })
            .onFailure()
            .recoverWithItem(failure -> Step.more(List.of()));
      }
      List<OutboundSseEvent> events = new ArrayList<>(1);
      long now = System.nanoTime();
      if (now - lastSent >= settings.heartbeat().toNanos()) {
        events.add(sse.newEventBuilder().comment(KEEP_ALIVE).build());
        lastSent = now;
      }
      if (terminalSeen) {
        // PostgreSQL said it ended and its final event did not come within the grace time
        return executions
            .get(tenant, id)
            .map(
                execution -> {
                  if (!ExecutionStatus.fromWire(execution.status).isTerminal()) {
                    terminalSeen = false; // re-opened by a retry meanwhile
                    return Step.more(events);
                  }
                  events.add(finished(execution));
                  return Step.end(events);
                })
            .onFailure()
            .recoverWithItem(failure -> Step.more(events));
      }
      if (!statusChecked || now - lastStatusCheck >= settings.statusCheckInterval().toNanos()) {
        statusChecked = true;
        lastStatusCheck = now;
        return executions
            .status(id)
            .map(
                status -> {
                  terminalSeen = status != null && status.isTerminal();
                  return Step.more(events);
                })
            .onFailure()
            .recoverWithItem(failure -> Step.more(events));
      }
      return Uni.createFrom().item(Step.more(events));
    }

    private OutboundSseEvent event(Entry entry) {
      OutboundSseEvent.Builder event = sse.newEventBuilder().id(entry.id());
      if (entry.event() != null) {
        event.name(entry.event());
      }
      return event.data(entry.data() == null ? "{}" : entry.data()).build();
    }

    private OutboundSseEvent snapshot(Snapshot snapshot) {
      return sse.newEventBuilder().name(SNAPSHOT).data(write(ExecutionView.of(snapshot))).build();
    }

    /**
     * An execution_finished event made from PostgreSQL. Its id is the last entry id the client has
     * (or the start): a client reconnecting with it learns there is nothing more (204).
     */
    private OutboundSseEvent finished(ExecutionEntity execution) {
      ObjectNode data = json.createObjectNode();
      data.put("execution_id", execution.id.toString());
      data.put("status", execution.status);
      if (execution.error != null && !execution.error.isNull()) {
        data.set("error", execution.error);
      }
      Instant at = execution.completedAt != null ? execution.completedAt : execution.updatedAt;
      data.put("at", at == null ? null : RestJson.TIMESTAMP.format(at));
      return sse.newEventBuilder()
          .id(cursor)
          .name(ExecutionEventType.EXECUTION_FINISHED.wire())
          .data(write(data))
          .build();
    }

    private String write(Object value) {
      try {
        return json.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write an event", e);
      }
    }
  }

  /** The event type of a wire name; empty for names this gateway does not know. */
  static Optional<ExecutionEventType> type(String wire) {
    if (wire == null) {
      return Optional.empty();
    }
    for (ExecutionEventType type : ExecutionEventType.values()) {
      if (type.wire().equals(wire)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
