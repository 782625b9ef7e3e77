package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logicgraph.model.graph.ValidationProblem;
import java.util.List;

/** An RFC 9457 problem document with the fleet's error code and, for validation, every error. */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String code,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ValidationProblem> errors) {

  /** The media type of every error answer. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Problem type URIs are {@code urn:logic-graph:problem:<slug>}. */
  static String type(String slug) {
    return "urn:logic-graph:problem:" + slug;
  }
}
