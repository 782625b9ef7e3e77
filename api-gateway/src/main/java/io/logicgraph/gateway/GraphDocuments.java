package io.logicgraph.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.logicgraph.gateway.store.GraphStore;
import io.logicgraph.model.graph.DocumentPath;
import io.logicgraph.model.graph.GraphDefinition;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.GraphLoader;
import io.logicgraph.model.graph.ValidationProblem;
import io.logicgraph.model.graph.ValidationReport;
import io.logicgraph.model.message.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reads submitted graph documents: syntax first (so a malformed document is reported with its line
 * and column), then the full validation of {@link GraphLoader} with the configured limits.
 */
@ApplicationScoped
public class GraphDocuments {
  /** Path used for problems that concern the document as a whole. */
  public static final String DOCUMENT_PATH = DocumentPath.DOCUMENT;

  private static final Logger LOG = Logger.getLogger(GraphDocuments.class);
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)' for");
  private static final ObjectReader YAML =
      new YAMLMapper()
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final ObjectReader JSON = strictJson();

  private final GatewayConfig.GraphSettings settings;

  public GraphDocuments(GatewayConfig config) {
    this.settings = config.graph();
  }

  /** The syntax error of the document, if it is not well-formed JSON or YAML. */
  public Optional<ValidationProblem> syntaxError(String text, GraphFormat format) {
    if (text == null || text.isBlank()) {
      return Optional.of(new ValidationProblem(DOCUMENT_PATH, "the document is empty"));
    }
    try {
      (format == GraphFormat.YAML ? YAML : JSON).readTree(text);
      return Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.of(new ValidationProblem(DocumentPath.of(e), describeSyntaxError(e, format)));
    }
  }

  /** Full validation: all errors, warnings and, when valid, the topological layers. */
  public ValidationReport validate(String text, GraphFormat format) {
    ValidationReport report = GraphLoader.load(text, format, settings.limits());
    List<ValidationProblem> errors = documentPaths(report.errors());
    List<ValidationProblem> warnings = documentPaths(report.warnings());
    if (report.graph() != null) {
      List<ValidationProblem> unknown = unknownDatasources(report.graph());
      if (!unknown.isEmpty()) {
        return new ValidationReport(null, unknown, warnings, List.of());
      }
    }
    return new ValidationReport(
        report.graph(), errors, warnings, report.layers() == null ? List.of() : report.layers());
  }

  /**
   * With {@code gateway.graph.datasources} configured, a DB node naming any other datasource is
   * refused at submission (no graph reaches a database the operator did not configure).
   */
  private List<ValidationProblem> unknownDatasources(GraphDefinition graph) {
    Optional<Set<String>> configured = settings.datasources();
    if (configured.isEmpty()) {
      return List.of();
    }
    List<ValidationProblem> unknown = new ArrayList<>();
    graph
        .nodes()
        .forEach(
            (id, node) -> {
              String database = node.text("database");
              if (database != null && !configured.get().contains(database)) {
                unknown.add(
                    new ValidationProblem(
                        "nodes." + id + ".database",
                        "unknown datasource '"
                            + database
                            + "'; configured: "
                            + String.join(", ", new TreeSet<>(configured.get()))));
              }
            });
    return unknown;
  }

  /** Problems about the document as a whole are named {@value #DOCUMENT_PATH}. */
  private static List<ValidationProblem> documentPaths(List<ValidationProblem> problems) {
    if (problems == null) {
      return List.of();
    }
    return problems.stream()
        .map(
            p ->
                p.path() == null || p.path().isEmpty()
                    ? new ValidationProblem(DOCUMENT_PATH, p.message())
                    : p)
        .toList();
  }

  /**
   * JSON read strictly: a duplicate key or content after the document is a syntax error, not a
   * silent choice.
   */
  public static ObjectReader strictJson() {
    return Json.MAPPER
        .reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  }

  /**
   * Validates a document for storing: a syntax error is a malformed request, a validation error an
   * invalid graph; both are thrown as 400 problems.
   */
  public Accepted accept(String text, GraphFormat format) {
    Optional<ValidationProblem> syntax = syntaxError(text, format);
    if (syntax.isPresent()) {
      throw GatewayProblem.badRequest(syntax.get().message(), List.of(syntax.get()));
    }
    ValidationReport report = validate(text, format);
    if (!report.isValid()) {
      throw GatewayProblem.invalidGraph(report.errors());
    }
    GraphDefinition graph = report.graph();
    JsonNode normalized = Json.MAPPER.valueToTree(graph);
    return new Accepted(
        new GraphStore.Document(graph.name(), graph.description(), normalized, text, format),
        report.warnings());
  }

  /** The warnings of an already stored (normalized) definition; empty if it cannot be re-read. */
  public List<ValidationProblem> warningsOf(JsonNode definition) {
    try {
      GraphDefinition graph = Json.MAPPER.treeToValue(definition, GraphDefinition.class);
      ValidationReport report = GraphLoader.validate(graph, settings.limits());
      return report.warnings() == null ? List.of() : report.warnings();
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.debugf("cannot re-validate a stored definition: %s", e.getMessage());
      return List.of();
    }
  }

  /** A document fit to store, with the warnings validation produced. */
  public record Accepted(GraphStore.Document document, List<ValidationProblem> warnings) {}

  /** "malformed JSON at line L, column C: reason", from a parser error. */
  public static String describeSyntaxError(JsonProcessingException e, GraphFormat format) {
    String syntax = format == GraphFormat.YAML ? "YAML" : "JSON";
    JsonLocation location = e.getLocation();
    String reason = e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      return "malformed "
          + syntax
          + ": nested deeper than the "
          + (e.getProcessor() instanceof JsonParser parser
                  ? parser.streamReadConstraints()
                  : StreamReadConstraints.defaults())
              .getMaxNestingDepth()
          + " levels allowed, or a value beyond the parser's size limits";
    }
    if (reason != null) {
      // Jackson's message repeats the source excerpt; the first line is the useful part
      int newline = reason.indexOf('\n');
      reason = newline < 0 ? reason : reason.substring(0, newline);
      Matcher duplicate = DUPLICATE.matcher(reason);
      if (duplicate.find()) {
        reason = "duplicate key '" + duplicate.group(1) + "'";
      } else if (reason.startsWith("Trailing token")) {
        reason = "unexpected content after the document";
      }
    }
    if (location == null || location.getLineNr() < 1) {
      return "malformed " + syntax + ": " + reason;
    }
    return "malformed "
        + syntax
        + " at line "
        + location.getLineNr()
        + ", column "
        + location.getColumnNr()
        + ": "
        + reason;
  }
}
