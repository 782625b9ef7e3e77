package io.logicgraph.model.graph;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads JSON or YAML text into a tree, strictly: duplicate keys, trailing content and YAML aliases
 * are errors. Syntax errors become one problem naming the line and column.
 */
final class DocumentParser {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)' for");

  /** YAML's own tags ({@code !!str}, {@code !!int}, ...), with or without their prefix. */
  private static final Pattern CORE_TAG =
      Pattern.compile(
          "(tag:yaml\\.org,2002:|!!)?(str|int|float|bool|null|map|seq|omap|set|timestamp|binary)|!");

  /** A line of a SnakeYAML message that is neither a location nor an indented excerpt. */
  private static final Pattern YAML_REASON = Pattern.compile("(?m)^(?! in 'reader')(?!\\s)(.+)$");

  private DocumentParser() {}

  /** The document's tree, or null after recording why it could not be read. */
  static JsonNode parse(String text, GraphFormat format, Problems problems) {
    if (text == null || text.isBlank()) {
      problems.error("", "the document is empty");
      return null;
    }
    String label = format == GraphFormat.YAML ? "YAML" : "JSON";
    String content = text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    try {
      if (format == GraphFormat.YAML && rejectAliases(content, problems)) {
        return null;
      }
      JsonNode tree = (format == GraphFormat.YAML ? YAML : JSON).readTree(content);
      if (tree == null || tree.isMissingNode()) {
        problems.error("", "the document is empty");
        return null;
      }
      return tree;
    } catch (JsonProcessingException e) {
      problems.error("", describe(label, e));
      return null;
    } catch (IOException | RuntimeException e) {
      problems.error("", "malformed " + label + ": the document could not be read");
      return null;
    }
  }

  /**
   * Jackson reads a YAML alias as the anchor's name, a silent change of meaning: refuse aliases
   * (which also rules out alias bombs). Explicit tags other than YAML's own scalar and collection
   * tags (e.g. {@code !!java.net.URL}) ask for types a graph has no use for: refused too.
   */
  private static boolean rejectAliases(String text, Problems problems) throws IOException {
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
          JsonLocation at = parser.currentTokenLocation();
          problems.error(
              "",
              "YAML aliases (*name) are not supported, at line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + ": repeat the value instead");
          return true;
        }
        String tag = parser.getTypeId() instanceof String id ? id : null;
        if (tag != null && !CORE_TAG.matcher(tag).matches()) {
          JsonLocation at = parser.currentTokenLocation();
          problems.error(
              DocumentPath.of(
                  parser.currentToken().isStructStart()
                      ? parser.getParsingContext().getParent()
                      : parser.getParsingContext()),
              "explicit YAML tags (!!type) other than YAML's own are not supported, at line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + ": remove the tag");
          return true;
        }
      }
    }
    return false;
  }

  private static String describe(String label, JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    Matcher duplicate = DUPLICATE.matcher(original);
    String what;
    if (duplicate.find()) {
      what = "duplicate key '" + duplicate.group(1) + "'";
    } else if (original.startsWith("Trailing token")) {
      what = "unexpected content after the document";
    } else {
      what = "malformed " + label + ": " + firstLine(original);
    }
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      what += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
    return what;
  }

  /**
   * SnakeYAML's messages span several lines ("while parsing X", " in 'reader', line ..", an excerpt
   * with a caret, "expected Y, but got Z"); keep the first line and the reason.
   */
  private static String firstLine(String message) {
    String gist = message.strip();
    int newline = gist.indexOf('\n');
    if (newline < 0) {
      return gist;
    }
    String head = gist.substring(0, newline).strip();
    Matcher reason = YAML_REASON.matcher(gist.substring(newline + 1));
    while (reason.find()) {
      String line = reason.group(1).strip();
      if (!line.isEmpty() && !line.equals("^")) {
        return head + ": " + line;
      }
    }
    return head;
  }
}
