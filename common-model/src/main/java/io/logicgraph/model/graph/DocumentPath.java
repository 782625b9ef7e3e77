package io.logicgraph.model.graph;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path (as validation problems name it: {@code nodes.gate.condition}, {@code edges[0].to})
 * where a parser stands, so that a syntax error or a duplicate key names its place in the document.
 */
public final class DocumentPath {
  /** Path of problems concerning the document as a whole. */
  public static final String DOCUMENT = "$";

  /** Paths deeper than this are not worth reading: the document as a whole is named instead. */
  private static final int MAX_DEPTH = 32;

  private DocumentPath() {}

  /** Where the parser of a failed read stood, or {@value #DOCUMENT} when unknown. */
  public static String of(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException
        || !(e.getProcessor() instanceof JsonParser parser)) {
      return DOCUMENT;
    }
    return of(parser.getParsingContext());
  }

  /** The path of the current position, or {@value #DOCUMENT} at the root. */
  public static String of(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      if (at.inObject()) {
        if (at.getCurrentName() == null) {
          continue;
        }
        parts.addFirst("." + at.getCurrentName());
      } else if (at.inArray()) {
        parts.addFirst("[" + Math.max(at.getCurrentIndex(), 0) + "]");
      }
      if (parts.size() > MAX_DEPTH) {
        return DOCUMENT;
      }
    }
    if (parts.isEmpty()) {
      return DOCUMENT;
    }
    String path = String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }
}
