package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.TenantResolver;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified JWT (signature, issuer, audience, expiry: smallrye-jwt) acts for the tenant its tenant
 * claim names; a token without a usable tenant claim is refused like an invalid one.
 */
@ApplicationScoped
public class JwtTenantAugmentor implements SecurityIdentityAugmentor {
  private final String claim;

  public JwtTenantAugmentor(GatewayConfig config) {
    this.claim = config.auth().tenantClaim();
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
      return Uni.createFrom().item(identity);
    }
    Object value = token.getClaim(claim);
    String tenant =
        value instanceof JsonString json
            ? json.getString()
            : value instanceof String text ? text : null;
    if (!Tenants.isValid(tenant)) {
      return Uni.createFrom()
          .failure(new AuthenticationFailedException("the token has no usable tenant claim"));
    }
    return Uni.createFrom()
        .item(
            QuarkusSecurityIdentity.builder(identity)
                .addAttribute(TenantResolver.TENANT_ATTRIBUTE, tenant)
                .build());
  }
}
