package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.TenantResolver;
import io.logicgraph.gateway.store.ExecutionStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Executions: status, per-node state and results. Cancel, retry and events come later. */
@Path(ExecutionResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Executions")
public class ExecutionResource {
  static final String PATH = "/api/v1/executions";

  private final ExecutionStore executions;
  private final TenantResolver tenants;

  public ExecutionResource(ExecutionStore executions, TenantResolver tenants) {
    this.executions = executions;
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
  @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
  @Operation(summary = "Live progress as Server-Sent Events (not implemented yet)")
  @APIResponse(responseCode = "501", description = "Not implemented yet")
  public Response events(@PathParam("id") String id) {
    throw GatewayProblem.notImplemented("execution events are not implemented yet");
  }

  @POST
  @Path("/{id}/cancel")
  @Operation(summary = "Cancel an execution (not implemented yet)")
  @APIResponse(responseCode = "501", description = "Not implemented yet")
  public Response cancel(@PathParam("id") String id) {
    throw GatewayProblem.notImplemented("cancelling executions is not implemented yet");
  }

  @POST
  @Path("/{id}/retry")
  @Operation(summary = "Retry the failed nodes of an execution (not implemented yet)")
  @APIResponse(responseCode = "501", description = "Not implemented yet")
  public Response retry(@PathParam("id") String id) {
    throw GatewayProblem.notImplemented("retrying executions is not implemented yet");
  }
}
