package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.ExecutionControl;
import io.logicgraph.gateway.TenantResolver;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

/** Executions: status, per-node state, results, live events; cancel and retry. */
@Path(ExecutionResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Executions")
public class ExecutionResource {
  static final String PATH = "/api/v1/executions";

  private final ExecutionStore executions;
  private final ExecutionControl control;
  private final EventFeed feed;
  private final TenantResolver tenants;

  public ExecutionResource(
      ExecutionStore executions, ExecutionControl control, EventFeed feed, TenantResolver tenants) {
    this.executions = executions;
    this.control = control;
    this.feed = feed;
    this.tenants = tenants;
  }

  @GET
  @Path("/{id}")
  @Operation(
      summary = "Status of an execution and of each node",
      description =
          "Nodes are listed in definition order; nodes not reached yet are pending. Also works"
              + " for executions of deleted graphs.")
  public Uni<ExecutionView> get(@PathParam("id") String id) {
    return executions
        .snapshot(tenants.current(), Params.id(id, "execution"))
        .map(ExecutionView::of);
  }

  @GET
  @Path("/{id}/results")
  @Operation(
      summary = "Final context and per-node outputs",
      description =
          "context is null until the execution ended; outputs maps every node to its"
              + " <node>_result, or null.")
  public Uni<ExecutionResults> results(@PathParam("id") String id) {
    return executions
        .snapshot(tenants.current(), Params.id(id, "execution"))
        .map(ExecutionResults::of);
  }

  @GET
  @Path("/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @EventStreamGate.Guarded
  @ResponseHeader(name = "Cache-Control", value = "no-cache")
  @ResponseHeader(name = "X-Accel-Buffering", value = "no") // no proxy buffering of live events
  @Operation(
      summary = "Live progress as Server-Sent Events",
      description =
          "Each event is `id: <stream entry id>`, `event: <type>`, `data: <one JSON object>`."
              + " Types: execution_started, node_queued, node_started, node_completed,"
              + " node_failed, node_retrying, node_skipped, node_cancelled, node_cached,"
              + " execution_cancel_requested, execution_retried, execution_finished. data holds"
              + " execution_id and at, plus node_id, attempt, status and error where they apply."
              + " Events are replayed from the start, or after the entry named by the"
              + " Last-Event-ID header, then followed live; the stream ends after"
              + " execution_finished (unless a retry already followed it). When the execution's"
              + " event history is gone (it is kept a day), an ended execution gets one"
              + " execution_finished made from its stored state, and a running one first gets a"
              + " `snapshot` event (data: the body of GET /executions/{id}, no id). A comment line"
              + " keeps the connection alive every 15 s. Resuming an ended execution after its"
              + " last event answers 204, which also stops an EventSource from reconnecting.")
  @APIResponse(
      responseCode = "200",
      description = "The event stream",
      content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
  @APIResponse(
      responseCode = "204",
      description = "Resumed after the last event of an ended execution")
  @APIResponse(
      responseCode = "400",
      description = "Malformed id or Last-Event-ID",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "Unknown execution",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Too many open event streams, or PostgreSQL unavailable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Multi<OutboundSseEvent> events(
      @PathParam("id") String id,
      @HeaderParam(EventStreamGate.LAST_EVENT_ID)
          @Parameter(description = "resume after this event id")
          String lastEventId,
      @Context RoutingContext routing,
      @Context Sse sse) {
    // the gate checked the id, the header and the execution (and answered any refusal)
    ExecutionEntity execution = routing.get(EventStreamGate.EXECUTION);
    return feed.follow(execution, EventStreamGate.lastEventId(lastEventId), sse);
  }

  @POST
  @Path("/{id}/cancel")
  @Operation(
      summary = "Cancel an execution",
      description =
          "Records the request and tells the orchestrator: nothing new is dispatched, running"
              + " nodes finish, the rest is cancelled; the execution ends as cancelled (follow it"
              + " with GET /executions/{id} or the events). Asking again while it is in progress"
              + " is accepted again. 409 when the execution already ended.")
  @APIResponse(responseCode = "202", description = "Accepted; body as for execute")
  @APIResponse(
      responseCode = "404",
      description = "Unknown execution",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "The execution already ended",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<Response> cancel(@PathParam("id") String id) {
    return control
        .cancel(tenants.current(), Params.id(id, "execution"))
        .map(ExecutionResource::accepted);
  }

  @POST
  @Path("/{id}/retry")
  @Operation(
      summary = "Retry a failed or cancelled execution",
      description =
          "Re-runs the failed, cancelled and skipped-by-failure nodes on the same graph version,"
              + " reusing the outputs of completed nodes; the execution becomes running again."
              + " 409 when it is pending, running or completed.")
  @APIResponse(responseCode = "202", description = "Accepted; body as for execute")
  @APIResponse(
      responseCode = "404",
      description = "Unknown execution",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "The execution is pending, running or completed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<Response> retry(@PathParam("id") String id) {
    return control
        .retry(tenants.current(), Params.id(id, "execution"))
        .map(ExecutionResource::accepted);
  }

  private static Response accepted(ExecutionEntity execution) {
    ExecutionAccepted body = ExecutionAccepted.of(execution.id, execution.status);
    return Response.accepted(body).location(URI.create(body.links().self())).build();
  }
}
