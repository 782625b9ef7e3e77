package io.logicgraph.model.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Typo protection: unknown keys are errors naming the key, what is allowed, and a likely fix. */
final class UnknownFields {
  private UnknownFields() {}

  /** Records an error for every key of {@code object} not in {@code allowed}. */
  static void check(
      ObjectNode object, String path, String owner, List<String> allowed, Problems problems) {
    object
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!allowed.contains(key)) {
                problems.error(
                    path.isEmpty() ? key : path + "." + key, message(key, owner, allowed));
              }
            });
  }

  /**
   * {@code unknown field 'qurey' for PostgresNode; allowed: ... (did you mean 'query'?)}; {@code
   * owner} may be null.
   */
  static String message(String key, String owner, List<String> allowed) {
    String suggestion = closest(key, allowed);
    return "unknown field '"
        + key
        + "'"
        + (owner == null ? "" : " for " + owner)
        + "; allowed: "
        + String.join(", ", allowed)
        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)");
  }

  /** The candidate within two edits of {@code word}, or null. */
  static String closest(String word, List<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : candidates) {
      int d = distance(word, candidate);
      if (d < bestDistance && d < candidate.length()) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance, with adjacent transpositions counting as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
