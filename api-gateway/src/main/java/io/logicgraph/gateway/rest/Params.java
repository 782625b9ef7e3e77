package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.GatewayProblem;
import java.util.UUID;

/**
 * Parsing of path and query parameters. Parameters arrive as text so that a malformed value is a
 * 400 naming the parameter (the JAX-RS default would be a bare 404).
 */
final class Params {
  private Params() {}

  static UUID id(String raw, String what) {
    try {
      UUID id = UUID.fromString(raw);
      if (id.toString().equalsIgnoreCase(raw)) {
        return id;
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      // answered below
    }
    throw GatewayProblem.badRequest("'" + raw + "' is not a valid " + what + " id (a UUID)");
  }

  static int integer(String raw, String name, int fallback, int min, int max) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw GatewayProblem.badRequest(
        "query parameter '" + name + "' must be an integer from " + min + " to " + max);
  }
}
