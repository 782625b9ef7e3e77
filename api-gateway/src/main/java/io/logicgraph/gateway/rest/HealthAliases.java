package io.logicgraph.gateway.rest;

import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /health} and {@code /ready} on the main port too (the management port serves the
 * originals): the same checks, the same answers, so a load balancer that only reaches port 8080 can
 * probe the gateway.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class HealthAliases {
  private final SmallRyeHealthReporter reporter;

  public HealthAliases(SmallRyeHealthReporter reporter) {
    this.reporter = reporter;
  }

  @GET
  @Path("health")
  @Operation(hidden = true)
  public Uni<Response> liveness() {
    return reporter.getLivenessAsync().map(HealthAliases::answer);
  }

  @GET
  @Path("ready")
  @Operation(hidden = true)
  public Uni<Response> readiness() {
    return reporter.getReadinessAsync().map(HealthAliases::answer);
  }

  private static Response answer(SmallRyeHealth health) {
    return Response.status(health.isDown() ? 503 : 200)
        .type(MediaType.APPLICATION_JSON)
        .entity(health.getPayload().toString())
        .build();
  }
}
