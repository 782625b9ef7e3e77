package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.gateway.ExecutionLauncher;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.GraphDocuments;
import io.logicgraph.gateway.TenantResolver;
import io.logicgraph.gateway.messaging.FinishedExecutions;
import io.logicgraph.gateway.store.Database;
import io.logicgraph.gateway.store.ExecutionEntity;
import io.logicgraph.gateway.store.ExecutionStore;
import io.logicgraph.gateway.store.ExecutionStore.Started;
import io.logicgraph.gateway.store.GraphStore;
import io.logicgraph.model.graph.DocumentPath;
import io.logicgraph.model.graph.ExecutionStatus;
import io.logicgraph.model.graph.GraphFormat;
import io.logicgraph.model.graph.StorableText;
import io.logicgraph.model.graph.ValidationProblem;
import io.logicgraph.model.message.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Graphs: store, read, replace, delete, validate, and start executions of them. */
@Path(GraphResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Graphs")
public class GraphResource {
  static final String PATH = "/api/v1/graphs";
  static final String YAML = "application/yaml";
  static final String X_YAML = "application/x-yaml";
  static final String TEXT_YAML = "text/yaml";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

  private static final Set<String> EXECUTE_FIELDS = Set.of("context", "input");
  private static final ObjectReader STRICT_JSON = GraphDocuments.strictJson();

  private final GraphStore graphs;
  private final ExecutionStore executions;
  private final GraphDocuments documents;
  private final ExecutionLauncher launcher;
  private final FinishedExecutions finished;
  private final TenantResolver tenants;
  private final GatewayConfig config;

  public GraphResource(
      GraphStore graphs,
      ExecutionStore executions,
      GraphDocuments documents,
      ExecutionLauncher launcher,
      FinishedExecutions finished,
      TenantResolver tenants,
      GatewayConfig config) {
    this.graphs = graphs;
    this.executions = executions;
    this.documents = documents;
    this.launcher = launcher;
    this.finished = finished;
    this.tenants = tenants;
    this.config = config;
  }

  @POST
  @Consumes({MediaType.APPLICATION_JSON, YAML, X_YAML, TEXT_YAML})
  @Operation(
      summary = "Store a graph",
      description =
          "The body is a graph document in JSON, or in YAML with Content-Type application/yaml"
              + " (also application/x-yaml, text/yaml). An invalid graph is a 400 problem with"
              + " code E006 listing every error with its path; malformed syntax is a 400 problem"
              + " with code E007 naming the line and column.")
  @RequestBody(
      content = {@Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = YAML)})
  @APIResponse(responseCode = "201", description = "Stored as version 1")
  @APIResponse(responseCode = "400", description = "Malformed or invalid document")
  public Uni<Response> create(String body, @Context HttpHeaders headers) {
    String tenant = tenants.current();
    GraphFormat format = format(headers.getMediaType());
    return offload(() -> documents.accept(body, format))
        .chain(
            accepted ->
                graphs
                    .create(tenant, accepted.document())
                    .map(
                        graph ->
                            Response.created(URI.create(PATH + "/" + graph.id))
                                .entity(GraphCreated.of(graph, accepted.warnings()))
                                .build()));
  }

  @GET
  @Operation(summary = "List graphs", description = "Graphs that are not deleted, newest first.")
  public Uni<Page<GraphSummary>> list(
      @QueryParam("limit") @Parameter(description = "items per page (1-100, default 20)")
          String limit,
      @QueryParam("offset") @Parameter(description = "items to skip (default 0)") String offset) {
    int pageSize =
        Params.integer(limit, "limit", config.page().defaultLimit(), 1, config.page().maxLimit());
    int skip = Params.integer(offset, "offset", 0, 0, Integer.MAX_VALUE);
    return graphs
        .list(tenants.current(), pageSize, skip)
        .map(
            page -> new Page<>(page.items().stream().map(GraphSummary::of).toList(), page.total()));
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "Get a graph with the normalized definition of its current version")
  public Uni<GraphDetail> get(@PathParam("id") String id) {
    UUID graphId = Params.id(id, "graph");
    return graphs
        .get(tenants.current(), graphId)
        .map(graph -> GraphDetail.of(graph, documents.warningsOf(graph.definition)));
  }

  @PUT
  @Path("/{id}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, X_YAML, TEXT_YAML})
  @Operation(
      summary = "Replace a graph's definition",
      description =
          "Stores the document as the next version. Running executions keep the version they"
              + " started with.")
  @RequestBody(
      content = {@Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = YAML)})
  public Uni<GraphDetail> replace(
      @PathParam("id") String id, String body, @Context HttpHeaders headers) {
    UUID graphId = Params.id(id, "graph");
    String tenant = tenants.current();
    GraphFormat format = format(headers.getMediaType());
    return offload(() -> documents.accept(body, format))
        .chain(
            accepted ->
                graphs
                    .replace(tenant, graphId, accepted.document())
                    .map(graph -> GraphDetail.of(graph, accepted.warnings())));
  }

  @DELETE
  @Path("/{id}")
  @Operation(
      summary = "Delete a graph",
      description = "The graph disappears from listings; its executions stay queryable.")
  @APIResponse(responseCode = "204", description = "Deleted")
  public Uni<Response> delete(@PathParam("id") String id) {
    UUID graphId = Params.id(id, "graph");
    return graphs.delete(tenants.current(), graphId).replaceWith(Response.noContent().build());
  }

  @POST
  @Path("/validate")
  @Consumes({MediaType.APPLICATION_JSON, YAML, X_YAML, TEXT_YAML})
  @Operation(
      summary = "Validate a graph without storing it",
      description =
          "Always answers 200 with the validation result, also for an invalid document: a"
              + " document that is not even well-formed JSON/YAML is a validation result too"
              + " (valid=false, one error at path '$' naming the line and column). `layers` are"
              + " the topological layers of a valid graph (empty when invalid).")
  @RequestBody(
      content = {@Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = YAML)})
  public Uni<ValidationResult> validate(String body, @Context HttpHeaders headers) {
    GraphFormat format = format(headers.getMediaType());
    return offload(
        () ->
            documents
                .syntaxError(body, format)
                .map(ValidationResult::malformed)
                .orElseGet(() -> ValidationResult.of(documents.validate(body, format))));
  }

  @POST
  @Path("/{id}/execute")
  // any type for an empty body (many clients label even that); a body must be JSON
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Start an execution of the graph's current version",
      description =
          "Body {\"context\": {...}} (alias \"input\"); an empty body means an empty context."
              + " With an Idempotency-Key header, the same key on the same graph within 24 h"
              + " returns the execution the first request started (header Idempotent-Replayed:"
              + " true) instead of starting another. With wait=<ms> (0-30000) the request waits"
              + " that long for the execution to end: 200 with the execution (as GET"
              + " /executions/{id}) if it did, else 202.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.OBJECT)))
  @APIResponse(responseCode = "202", description = "Accepted; follow the links")
  @APIResponse(responseCode = "200", description = "Ended within the requested wait")
  @APIResponse(responseCode = "503", description = "PostgreSQL or RabbitMQ unavailable")
  public Uni<Response> execute(
      @PathParam("id") String id,
      @QueryParam("wait") @Parameter(description = "milliseconds to wait for the end (0-30000)")
          String wait,
      @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
      @Context HttpHeaders headers,
      String body) {
    UUID graphId = Params.id(id, "graph");
    if (body != null && !body.isBlank() && !isJson(headers.getMediaType())) {
      throw new NotSupportedException();
    }
    int waitMs = Params.integer(wait, "wait", 0, 0, (int) config.execution().maxWait().toMillis());
    String key = idempotencyKey(idempotencyKey);
    ObjectNode input = executionInput(body);
    String tenant = tenants.current();
    Executor onContext = Database.currentContextExecutor();
    return launcher
        .launch(tenant, graphId, input, key)
        .chain(started -> answer(tenant, started, waitMs, onContext));
  }

  @GET
  @Path("/{id}/status")
  @Operation(
      summary = "Status of the graph's most recent execution",
      description = "Same shape as GET /executions/{id}; 404 when the graph has no executions.")
  public Uni<ExecutionView> latestStatus(@PathParam("id") String id) {
    UUID graphId = Params.id(id, "graph");
    String tenant = tenants.current();
    return graphs
        .getIncludingDeleted(tenant, graphId)
        .chain(() -> executions.latestSnapshot(tenant, graphId))
        .map(ExecutionView::of);
  }

  @GET
  @Path("/{id}/results")
  @Operation(
      summary = "Results of the graph's most recent execution",
      description =
          "Same shape as GET /executions/{id}/results; 404 when the graph has no executions.")
  public Uni<ExecutionResults> latestResults(@PathParam("id") String id) {
    UUID graphId = Params.id(id, "graph");
    String tenant = tenants.current();
    return graphs
        .getIncludingDeleted(tenant, graphId)
        .chain(() -> executions.latestSnapshot(tenant, graphId))
        .map(ExecutionResults::of);
  }

  @GET
  @Path("/{id}/executions")
  @Operation(
      summary = "Executions of a graph, newest first",
      description = "Also for a deleted graph: history stays queryable.")
  public Uni<Page<ExecutionSummary>> executionsOf(
      @PathParam("id") String id,
      @QueryParam("limit") String limit,
      @QueryParam("offset") String offset) {
    UUID graphId = Params.id(id, "graph");
    int pageSize =
        Params.integer(limit, "limit", config.page().defaultLimit(), 1, config.page().maxLimit());
    int skip = Params.integer(offset, "offset", 0, 0, Integer.MAX_VALUE);
    String tenant = tenants.current();
    return graphs
        .getIncludingDeleted(tenant, graphId)
        .chain(() -> executions.list(tenant, graphId, pageSize, skip))
        .map(
            page ->
                new Page<>(page.items().stream().map(ExecutionSummary::of).toList(), page.total()));
  }

  private Uni<Response> answer(String tenant, Started started, int waitMs, Executor onContext) {
    ExecutionEntity execution = started.execution();
    ExecutionStatus status = ExecutionStatus.fromWire(execution.status);
    if (waitMs == 0) {
      return Uni.createFrom().item(accepted(execution, execution.status, started));
    }
    // One read per check: the execution row, and the node rows only once it ended.
    Uni<ExecutionStore.Snapshot> ended =
        status.isTerminal()
            ? executions.snapshot(tenant, execution.id)
            : finished.await(
                execution.id,
                Duration.ofMillis(waitMs),
                onContext,
                () -> executions.snapshotIfEnded(execution.id));
    return ended.chain(
        snapshot -> {
          if (snapshot != null) {
            return Uni.createFrom()
                .item(replayed(Response.ok(ExecutionView.of(snapshot)), started));
          }
          return executions
              .status(execution.id)
              .map(s -> accepted(execution, s == null ? execution.status : s.wire(), started));
        });
  }

  private static Response accepted(ExecutionEntity execution, String status, Started started) {
    ExecutionAccepted body = ExecutionAccepted.of(execution.id, status);
    return replayed(Response.accepted(body).location(URI.create(body.links().self())), started);
  }

  private static Response replayed(Response.ResponseBuilder response, Started started) {
    if (started.replayed()) {
      response.header(REPLAYED, "true");
    }
    return response.build();
  }

  private static String idempotencyKey(String raw) {
    if (raw == null) {
      return null;
    }
    String key = raw.trim();
    if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      String message = "header " + IDEMPOTENCY_KEY + " must be 1 to 255 printable ASCII characters";
      throw GatewayProblem.badRequest(
          message, List.of(new ValidationProblem(IDEMPOTENCY_KEY, message)));
    }
    return key;
  }

  private ObjectNode executionInput(String body) {
    if (body == null || body.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String message = GraphDocuments.describeSyntaxError(e, GraphFormat.JSON);
      throw GatewayProblem.badRequest(
          message, List.of(new ValidationProblem(DocumentPath.of(e), message)));
    }
    if (root == null || !root.isObject()) {
      String message = "the body must be a JSON object: {\"context\": {...}}";
      throw GatewayProblem.badRequest(
          message, List.of(new ValidationProblem(DocumentPath.DOCUMENT, message)));
    }
    List<ValidationProblem> errors = new ArrayList<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!EXECUTE_FIELDS.contains(name)) {
        errors.add(new ValidationProblem(name, "unknown field; allowed: context, input"));
      }
    }
    if (root.has("context") && root.has("input")) {
      errors.add(new ValidationProblem("input", "give either context or its alias input"));
    }
    JsonNode context = root.has("context") ? root.get("context") : root.get("input");
    String contextField = root.has("context") ? "context" : "input";
    if (context != null && !context.isNull() && !context.isObject()) {
      errors.add(new ValidationProblem(contextField, "must be a JSON object"));
    }
    errors.addAll(StorableText.check(context, contextField));
    if (!errors.isEmpty()) {
      throw GatewayProblem.badRequest(
          errors.size() == 1
              ? errors.get(0).path() + ": " + errors.get(0).message()
              : "the body has " + errors.size() + " errors",
          errors);
    }
    if (context == null || context.isNull()) {
      return Json.MAPPER.createObjectNode();
    }
    int size = context.toString().getBytes(StandardCharsets.UTF_8).length;
    int max = config.execution().maxInputBytes();
    if (size > max) {
      String message =
          "the execution context is " + size + " bytes; at most " + max + " are accepted";
      throw GatewayProblem.badContext(
          message, List.of(new ValidationProblem(contextField, message)));
    }
    return (ObjectNode) context;
  }

  private static boolean isJson(MediaType type) {
    return type != null
        && (MediaType.APPLICATION_JSON_TYPE.isCompatible(type)
            || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
  }

  private static GraphFormat format(MediaType type) {
    if (type != null) {
      String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
      if (subtype.equals("yaml") || subtype.equals("x-yaml")) {
        return GraphFormat.YAML;
      }
    }
    return GraphFormat.JSON;
  }

  /**
   * Parsing and validating a document of up to 1 MiB is CPU work: it runs on a worker thread and
   * the pipeline comes back to the request's context for the database.
   */
  private static <T> Uni<T> offload(Supplier<T> work) {
    Executor onContext = Database.currentContextExecutor();
    return Uni.createFrom()
        .item(work)
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .emitOn(onContext);
  }
}
