package io.logicgraph.gateway.rest;

import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.model.graph.ValidationProblem;
import java.util.List;
import java.util.UUID;

/**
 * Parsing of path and query parameters. Parameters arrive as text so that a malformed value is a
 * 400 naming the parameter (the JAX-RS default would be a bare 404).
 */
final class Params {
  private static final int SHOWN = 60;

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
    String message = "'" + shown(raw) + "' is not a valid " + what + " id (a UUID)";
    throw GatewayProblem.badRequest(message, List.of(new ValidationProblem("id", message)));
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
    String message = "query parameter '" + name + "' must be an integer from " + min + " to " + max;
    throw GatewayProblem.badRequest(message, List.of(new ValidationProblem(name, message)));
  }

  /** Enough of a rejected value to recognize it; a problem never echoes a huge value whole. */
  static String shown(String raw) {
    if (raw == null) {
      return "";
    }
    return raw.length() <= SHOWN
        ? raw
        : raw.substring(0, SHOWN) + "... (" + raw.length() + " characters)";
  }
}
