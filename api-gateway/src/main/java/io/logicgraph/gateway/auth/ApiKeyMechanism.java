package io.logicgraph.gateway.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an API key from {@code X-API-Key} (checked by {@link ApiKeyIdentityProvider}). A request
 * without the header is left to the other mechanism (JWT bearer tokens); one with the header is
 * authenticated by it alone.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {
  /** The header an API key is sent in. */
  public static final String HEADER = "X-API-Key";

  /** What a 401 answer offers the client: either of the two ways to authenticate. */
  public static final String CHALLENGE = "ApiKey header=\"" + HEADER + "\", Bearer";

  private final UnauthorizedAnswer unauthorized;

  public ApiKeyMechanism(UnauthorizedAnswer unauthorized) {
    this.unauthorized = unauthorized;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    String key = context.request().getHeader(HEADER);
    if (key == null) {
      return Uni.createFrom().optional(Optional.empty());
    }
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyRequest(key.trim()), context));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
  }

  /**
   * The 401 of a request without credentials, as problem+json (Quarkus' own challenge has no body).
   * This mechanism comes first, so its challenge is the one sent.
   */
  @Override
  public Uni<Boolean> sendChallenge(RoutingContext context) {
    unauthorized.write(context);
    return Uni.createFrom().item(true);
  }

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 100;
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(ApiKeyRequest.class);
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return Uni.createFrom()
        .item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER));
  }
}
