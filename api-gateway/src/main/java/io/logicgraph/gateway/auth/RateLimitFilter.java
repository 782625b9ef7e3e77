package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.TenantResolver;
import io.logicgraph.gateway.rest.ProblemMappers;
import io.logicgraph.model.error.ErrorCode;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every authenticated {@code /api/v1} request counts against its tenant's rate limit, before the
 * resource reads its body or touches a store: a refused request changes nothing. 429 problem+json
 * with {@code Retry-After} (whole seconds, at least 1).
 */
public class RateLimitFilter {
  private final RateLimiter limiter;
  private final SecurityIdentity identity;

  public RateLimitFilter(RateLimiter limiter, SecurityIdentity identity) {
    this.limiter = limiter;
    this.identity = identity;
  }

  @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
  public Uni<Response> limit(UriInfo uri) {
    if (!limiter.enabled() || !uri.getPath().startsWith("/api/")) {
      return Uni.createFrom().nullItem();
    }
    String tenant = TenantResolver.tenantOf(identity);
    return limiter
        .acquire(tenant)
        .map(
            decision ->
                decision.allowed()
                    ? null
                    : Response.fromResponse(ProblemMappers.problem(rateLimited(decision)))
                        .header("Retry-After", decision.retryAfterSeconds())
                        .build());
  }

  static GatewayProblem rateLimited(RateLimiter.Decision decision) {
    return new GatewayProblem(
        429,
        "rate-limited",
        "Too Many Requests",
        "this tenant sends more requests than its rate limit allows; retry after "
            + decision.retryAfterSeconds()
            + " s",
        ErrorCode.E011,
        null);
  }
}
