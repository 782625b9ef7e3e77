package io.logicgraph.gateway;

import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.ValidationProblem;
import java.util.List;

/**
 * A request that cannot be served, with everything its problem+json answer needs. Thrown anywhere
 * in the gateway, answered by the REST layer's single mapper; no stack trace leaves the process.
 */
public class GatewayProblem extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final ErrorCode code;
  private final List<ValidationProblem> errors;

  public GatewayProblem(
      int status,
      String type,
      String title,
      String detail,
      ErrorCode code,
      List<ValidationProblem> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.code = code;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** 400: the graph document is not valid; every error, each with its path. */
  public static GatewayProblem invalidGraph(List<ValidationProblem> errors) {
    return new GatewayProblem(
        400,
        "validation",
        "Graph validation failed",
        errors.size() == 1 ? "the graph has 1 error" : "the graph has " + errors.size() + " errors",
        ErrorCode.E006,
        errors);
  }

  /** 400: the request itself is malformed (syntax, unknown field, bad parameter). */
  public static GatewayProblem badRequest(String detail, List<ValidationProblem> errors) {
    return new GatewayProblem(
        400, "bad-request", "Malformed request", detail, ErrorCode.E007, errors);
  }

  public static GatewayProblem badRequest(String detail) {
    return badRequest(detail, List.of());
  }

  /** 400: the execution input context is unusable (e.g. too large). */
  public static GatewayProblem badContext(String detail) {
    return badContext(detail, List.of());
  }

  /** 400: the execution context is unusable, naming where. */
  public static GatewayProblem badContext(String detail, List<ValidationProblem> errors) {
    return new GatewayProblem(
        400, "bad-context", "Unusable execution context", detail, ErrorCode.E010, errors);
  }

  /** 404: no such object for this tenant. */
  public static GatewayProblem notFound(String what, Object id) {
    return new GatewayProblem(
        404, "not-found", "Not found", what + " " + id + " does not exist", ErrorCode.E004, null);
  }

  /** 404 with a specific explanation. */
  public static GatewayProblem notFound(String detail) {
    return new GatewayProblem(404, "not-found", "Not found", detail, ErrorCode.E004, null);
  }

  /** 409: the object is not in a state that allows the request (e.g. retry of a running one). */
  public static GatewayProblem conflict(String detail) {
    return new GatewayProblem(409, "conflict", "Conflicting state", detail, ErrorCode.E011, null);
  }

  /** 503: the gateway serves as many event streams as it is configured for. */
  public static GatewayProblem tooManyEventStreams() {
    return new GatewayProblem(
        503,
        "overloaded",
        "Service unavailable",
        "too many event streams are open; try again later",
        ErrorCode.E011,
        null);
  }

  /** 503: PostgreSQL did not answer in time or refused the connection. */
  public static GatewayProblem databaseUnavailable() {
    return new GatewayProblem(
        503,
        "dependency-unavailable",
        "Service unavailable",
        "the database is unavailable; try again later",
        ErrorCode.E002,
        null);
  }

  /** 503: the message broker cannot take execution requests right now. */
  public static GatewayProblem brokerUnavailable() {
    return new GatewayProblem(
        503,
        "dependency-unavailable",
        "Service unavailable",
        "the message broker is unavailable; try again later",
        ErrorCode.E011,
        null);
  }

  public int status() {
    return status;
  }

  /** Short slug of the problem type; the REST layer turns it into the {@code type} URI. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public ErrorCode code() {
    return code;
  }

  public List<ValidationProblem> errors() {
    return errors;
  }
}
