package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.TenantResolver;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a verified API key into an identity carrying the key's tenant. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyRequest> {
  private final ApiKeys keys;

  public ApiKeyIdentityProvider(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Class<ApiKeyRequest> getRequestType() {
    return ApiKeyRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      ApiKeyRequest request, AuthenticationRequestContext context) {
    return keys.verify(request.key())
        .map(
            owner -> {
              if (owner == null) {
                // the same answer for unknown, revoked and malformed keys
                throw new AuthenticationFailedException("invalid API key");
              }
              return QuarkusSecurityIdentity.builder()
                  .setPrincipal(new QuarkusPrincipal("api-key:" + owner.keyId()))
                  .addAttribute(TenantResolver.TENANT_ATTRIBUTE, owner.tenant())
                  .build();
            });
  }
}
