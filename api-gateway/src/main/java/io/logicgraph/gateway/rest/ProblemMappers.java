package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.GraphDocuments;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.GraphFormat;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one translation of failures into problem+json answers. Nothing else in the gateway builds an
 * error response, and no answer carries a stack trace or a class name.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response gatewayProblem(GatewayProblem problem) {
    return problem(problem);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e);
    }
    String detail =
        switch (status) {
          case 404 -> "there is no resource at this path";
          case 405 -> "this method is not allowed on this resource";
          case 406 ->
              "this resource cannot answer in a media type the request accepts (it answers"
                  + " application/json; execution events text/event-stream)";
          case 413 -> "the request body is larger than the limit";
          case 415 ->
              "unsupported content type; graphs are application/json or application/yaml,"
                  + " execution requests application/json";
          default -> "the request cannot be served";
        };
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known == null ? "Request failed" : known.getReasonPhrase();
    ErrorCode code = status == 404 ? ErrorCode.E004 : ErrorCode.E007;
    return problem(new GatewayProblem(status, slug(status), title, detail, code, null));
  }

  @ServerExceptionMapper
  public Response malformedJson(JsonProcessingException e) {
    return problem(
        GatewayProblem.badRequest(GraphDocuments.describeSyntaxError(e, GraphFormat.JSON)));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof GatewayProblem problem) {
      return problem(problem);
    }
    if (cause instanceof WebApplicationException web && web != failure) {
      return webApplication(web);
    }
    if (cause instanceof IOException && "Request too large".equals(cause.getMessage())) {
      // a body without a declared length that grew past the limit while being read
      return webApplication(new WebApplicationException(413));
    }
    if (Database.isOutage(cause)) {
      return problem(GatewayProblem.databaseUnavailable());
    }
    String incident = UUID.randomUUID().toString();
    LOG.errorf(failure, "unexpected failure, incident %s", incident);
    return problem(
        new GatewayProblem(
            500,
            "internal",
            "Internal error",
            "the request failed unexpectedly (incident " + incident + ")",
            ErrorCode.E011,
            List.of()));
  }

  /** The problem+json answer of a problem. */
  public static Response problem(GatewayProblem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body(problem)).build();
  }

  /** The problem+json document of a problem. */
  public static Problem body(GatewayProblem problem) {
    return new Problem(
        Problem.type(problem.type()),
        problem.title(),
        problem.status(),
        problem.detail(),
        problem.code().name(),
        problem.errors());
  }

  private static String slug(int status) {
    return switch (status) {
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 413 -> "body-too-large";
      case 415 -> "unsupported-media-type";
      default -> "bad-request";
    };
  }
}
