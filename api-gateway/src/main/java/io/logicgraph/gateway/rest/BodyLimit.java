package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logicgraph.model.error.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared {@code Content-Length} exceeds {@code
 * quarkus.http.limits.max-body-size} with a 413 problem, before Quarkus' own check (which answers
 * with an empty body) and without reading the body. A chunked body without a length that grows past
 * the limit is read here, up to the limit, by a body handler of its own (Quarkus REST would answer
 * that case with an empty 413 and no hook); past the limit the body handler fails the request with
 * 413, which the failure handler answers with the same problem. The buffered body is what the
 * resource then reads.
 */
@ApplicationScoped
public class BodyLimit {
  /** Runs before Quarkus' body-size route (order -2). */
  private static final int ORDER = -3;

  private final long limit;
  private final String problem;
  private final BodyHandler chunkedBodies;

  public BodyLimit(
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit,
      ObjectMapper mapper)
      throws JsonProcessingException {
    this.limit = limit.asLongValue();
    this.problem =
        mapper.writeValueAsString(
            new Problem(
                Problem.type("body-too-large"),
                "Content Too Large",
                413,
                "the request body is larger than " + this.limit + " bytes",
                ErrorCode.E007.name(),
                List.of()));
    this.chunkedBodies = BodyHandler.create(false).setBodyLimit(this.limit);
  }

  void install(@Observes Router router) {
    router
        .route()
        .order(ORDER)
        .handler(
            context -> {
              String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
              if (declared != null && tooLarge(declared)) {
                context
                    .response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(problem);
              } else if (declared == null && isChunked(context)) {
                chunkedBodies.handle(context);
              } else {
                context.next();
              }
            });
    router
        .route()
        .failureHandler(
            context -> {
              if (context.statusCode() == 413 && !context.response().headWritten()) {
                context
                    .response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(problem);
              } else {
                context.next();
              }
            });
  }

  private static boolean isChunked(io.vertx.ext.web.RoutingContext context) {
    String encoding = context.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  private boolean tooLarge(String declared) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
