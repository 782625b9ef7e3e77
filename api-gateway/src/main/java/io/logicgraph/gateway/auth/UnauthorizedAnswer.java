package io.logicgraph.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.rest.Problem;
import io.logicgraph.gateway.rest.ProblemMappers;
import io.logicgraph.model.error.ErrorCode;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Authentication failures answered as problem+json: 401 with {@code WWW-Authenticate} for missing,
 * unknown, revoked, expired or otherwise invalid credentials (one answer for all, so it never tells
 * whether a key exists), 503 when PostgreSQL was needed to check a key and is down. Quarkus' own
 * answer would be an empty body.
 */
@ApplicationScoped
public class UnauthorizedAnswer {
  private static final Logger LOG = Logger.getLogger(UnauthorizedAnswer.class);

  /** The detail of every 401. */
  public static final String DETAIL =
      "missing or invalid credentials: send an API key in the "
          + ApiKeyMechanism.HEADER
          + " header or a JWT in Authorization: Bearer <token>";

  private final String unauthorized;
  private final ObjectMapper mapper;

  public UnauthorizedAnswer(ObjectMapper mapper) throws JsonProcessingException {
    this.mapper = mapper;
    this.unauthorized = mapper.writeValueAsString(body(unauthorized()));
  }

  /** The 401 problem. */
  public static GatewayProblem unauthorized() {
    return new GatewayProblem(401, "unauthorized", "Unauthorized", DETAIL, ErrorCode.E007, null);
  }

  void install(@Observes Router router) {
    router.route().failureHandler(this::handle);
  }

  private void handle(RoutingContext context) {
    Throwable failure = context.failure();
    if (context.response().headWritten()) {
      context.next();
      return;
    }
    GatewayProblem problem = dependencyProblem(failure);
    if (problem != null) {
      write(context, problem.status(), json(problem));
    } else if (isAuthentication(failure)) {
      if (!(failure instanceof UnauthorizedException)) {
        LOG.debugf("authentication failed: %s", failure.getMessage());
      }
      write(context);
    } else {
      context.next();
    }
  }

  /** Ends the request with the 401 problem and its {@code WWW-Authenticate} challenge. */
  public void write(RoutingContext context) {
    context.response().putHeader("WWW-Authenticate", ApiKeyMechanism.CHALLENGE);
    write(context, 401, unauthorized);
  }

  private static boolean isAuthentication(Throwable failure) {
    return failure instanceof AuthenticationFailedException
        || failure instanceof AuthenticationCompletionException
        || failure instanceof UnauthorizedException
        || failure instanceof AuthenticationException;
  }

  /** A 503 (or other problem) raised while checking credentials, e.g. PostgreSQL down. */
  private static GatewayProblem dependencyProblem(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof GatewayProblem problem) {
        return problem;
      }
    }
    return null;
  }

  private String json(GatewayProblem problem) {
    try {
      return mapper.writeValueAsString(body(problem));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Problem body(GatewayProblem problem) {
    return ProblemMappers.body(problem);
  }

  private static void write(RoutingContext context, int status, String body) {
    context
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .end(body);
  }
}
