package io.logicgraph.gateway;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place that decides which tenant a request acts for: the tenant of the API key or JWT the
 * request was authenticated with (every {@code /api/v1} request is). Every query and write of a
 * graph or execution is scoped to it.
 */
@ApplicationScoped
public class TenantResolver {
  /** The identity attribute holding the tenant, set by the API key and JWT mechanisms. */
  public static final String TENANT_ATTRIBUTE = "lgf.tenant";

  private final CurrentIdentityAssociation identities;

  public TenantResolver(CurrentIdentityAssociation identities) {
    this.identities = identities;
  }

  /** The tenant of the request being served; a request without one is unauthenticated. */
  public String current() {
    return tenantOf(identities.getIdentity());
  }

  /** The tenant of an identity; 401 when it has none (anonymous). */
  public static String tenantOf(SecurityIdentity identity) {
    String tenant = identity == null ? null : identity.getAttribute(TENANT_ATTRIBUTE);
    if (tenant == null) {
      throw new UnauthorizedException();
    }
    return tenant;
  }
}
