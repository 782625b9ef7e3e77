package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logicgraph.model.error.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared {@code Content-Length} exceeds {@code
 * quarkus.http.limits.max-body-size} with a 413 problem, before Quarkus' own check (which answers
 * with an empty body) and without reading the body. A chunked body without a length that grows past
 * the limit is still cut off by Quarkus with a bare 413.
 */
@ApplicationScoped
public class BodyLimit {
  /** Runs before Quarkus' body-size route (order -2). */
  private static final int ORDER = -3;

  private final long limit;
  private final String problem;

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
              } else {
                context.next();
              }
            });
  }

  private boolean tooLarge(String declared) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
