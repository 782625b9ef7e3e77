package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.TenantResolver;
import io.logicgraph.gateway.messaging.EventStreams;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.gateway.store.ExecutionStore;
import io.logicgraph.model.graph.ExecutionStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Everything an event stream request can be refused for is decided here, before the resource
 * method: once it returns its stream, the 200 and the event-stream head are sent and only events
 * can follow. Unknown execution → 404, malformed {@code Last-Event-ID} → 400, too many streams →
 * 503, and a client resuming an ended execution after its last event → 204 (which also tells an
 * EventSource to stop reconnecting). The execution it loaded is handed to the resource method.
 */
public class EventStreamGate {
  /** Routing context key of the {@link io.logicgraph.gateway.store.ExecutionEntity} checked. */
  static final String EXECUTION = "lgf.events.execution";

  /** The SSE resume header. */
  static final String LAST_EVENT_ID = "Last-Event-ID";

  /** Marks the resource methods this gate runs before. */
  @NameBinding
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  public @interface Guarded {}

  private final ExecutionStore executions;
  private final EventStreams streams;
  private final EventFeed feed;
  private final TenantResolver tenants;

  public EventStreamGate(
      ExecutionStore executions, EventStreams streams, EventFeed feed, TenantResolver tenants) {
    this.executions = executions;
    this.streams = streams;
    this.feed = feed;
    this.tenants = tenants;
  }

  @ServerRequestFilter
  @Guarded
  public Uni<Response> check(UriInfo uri, HttpHeaders headers, RoutingContext routing) {
    UUID id = Params.id(uri.getPathParameters().getFirst("id"), "execution");
    String lastEventId = lastEventId(headers.getHeaderString(LAST_EVENT_ID));
    if (feed.full()) {
      throw GatewayProblem.tooManyEventStreams();
    }
    Executor onContext = Database.currentContextExecutor();
    return executions
        .get(tenants.current(), id)
        .chain(
            execution -> {
              routing.put(EXECUTION, execution);
              if (lastEventId == null || !ExecutionStatus.fromWire(execution.status).isTerminal()) {
                return Uni.createFrom().<Response>nullItem();
              }
              return streams
                  .hasEntriesAfter(id, lastEventId)
                  .onFailure()
                  .recoverWithItem(true) // cannot tell: stream, the feed copes
                  .map(more -> more ? null : Response.noContent().build())
                  .emitOn(onContext);
            });
  }

  /** The resume point the client sent, checked; null when it sent none. */
  static String lastEventId(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String id = value.trim();
    if (!EventStreams.isEntryId(id)) {
      throw GatewayProblem.badRequest(
          "header " + LAST_EVENT_ID + " must be an event id this endpoint sent (<ms>-<seq>)");
    }
    return id;
  }
}
