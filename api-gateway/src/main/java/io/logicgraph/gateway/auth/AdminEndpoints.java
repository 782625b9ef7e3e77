package io.logicgraph.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.rest.Problem;
import io.logicgraph.gateway.rest.ProblemMappers;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.graph.ValidationProblem;
import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * API key administration on the management port (never on the public one), for the operator: {@code
 * POST /admin/api-keys} {@code {"tenant": "...", "name": "..."}} makes a key and shows it once,
 * {@code GET /admin/api-keys[?tenant=]} lists keys (never their secret), {@code DELETE
 * /admin/api-keys/{id}} revokes one. Every call needs {@code Authorization: Bearer
 * <LGF_ADMIN_TOKEN>}; without a configured token the endpoints do not exist (404).
 */
@ApplicationScoped
public class AdminEndpoints {
  static final String PATH = "/admin/api-keys";
  private static final Logger LOG = Logger.getLogger(AdminEndpoints.class);
  private static final Set<String> CREATE_FIELDS = Set.of("tenant", "name");

  /** A key as listed. */
  public record KeyView(
      String id,
      String tenant,
      String name,
      Instant createdAt,
      Instant revokedAt,
      Instant lastUsedAt) {
    static KeyView of(ApiKeys.ApiKey key) {
      return new KeyView(
          key.id(), key.tenant(), key.name(), key.createdAt(), key.revokedAt(), key.lastUsedAt());
    }
  }

  /** A key just made, with its plaintext (shown this once). */
  public record CreatedView(String id, String tenant, String name, Instant createdAt, String key) {}

  private final ApiKeys keys;
  private final ObjectMapper mapper;
  private final Optional<byte[]> adminToken;

  public AdminEndpoints(ApiKeys keys, ObjectMapper mapper, GatewayConfig config) {
    this.keys = keys;
    this.mapper = mapper;
    this.adminToken = config.auth().adminToken().filter(t -> !t.isBlank()).map(ApiKeys::digest);
  }

  void install(@Observes ManagementInterface management) {
    var router = management.router();
    router.route(PATH + "*").order(-10).handler(this::guard);
    router.post(PATH).handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::create);
    router.get(PATH).handler(this::list);
    router.delete(PATH + "/:id").handler(this::revoke);
  }

  private void guard(RoutingContext context) {
    if (adminToken.isEmpty()) {
      fail(
          context,
          GatewayProblem.notFound(
              "the admin endpoints are off: start the gateway with LGF_ADMIN_TOKEN set"));
      return;
    }
    String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : "";
    if (!MessageDigest.isEqual(ApiKeys.digest(presented), adminToken.get())) {
      context.response().putHeader("WWW-Authenticate", "Bearer");
      fail(
          context,
          new GatewayProblem(
              401,
              "unauthorized",
              "Unauthorized",
              "the admin endpoints need Authorization: Bearer <LGF_ADMIN_TOKEN>",
              ErrorCode.E007,
              null));
      return;
    }
    context.next();
  }

  private void create(RoutingContext context) {
    JsonNode body;
    try {
      String text = context.body().asString(StandardCharsets.UTF_8.name());
      body = text == null || text.isBlank() ? null : mapper.readTree(text);
    } catch (JsonProcessingException e) {
      fail(context, GatewayProblem.badRequest("the body is not valid JSON"));
      return;
    }
    if (body == null || !body.isObject()) {
      fail(
          context,
          GatewayProblem.badRequest(
              "the body must be a JSON object: {\"tenant\": \"...\", \"name\": \"...\"}"));
      return;
    }
    List<ValidationProblem> errors = new ArrayList<>();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!CREATE_FIELDS.contains(name)) {
        errors.add(new ValidationProblem(name, "unknown field; allowed: tenant, name"));
      }
    }
    String tenant = body.path("tenant").isTextual() ? body.get("tenant").asText() : null;
    if (!Tenants.isValid(tenant)) {
      errors.add(new ValidationProblem("tenant", "required; " + Tenants.RULE));
    }
    String name = body.path("name").isTextual() ? body.get("name").asText().strip() : "";
    if (body.has("name") && (!body.get("name").isTextual() || name.isEmpty())) {
      errors.add(new ValidationProblem("name", "a non-empty string of at most 200 characters"));
    } else if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      errors.add(
          new ValidationProblem("name", "at most 200 characters, without control characters"));
    }
    if (!errors.isEmpty()) {
      fail(
          context,
          GatewayProblem.badRequest(
              errors.size() == 1
                  ? errors.get(0).path() + ": " + errors.get(0).message()
                  : "the body has " + errors.size() + " errors",
              errors));
      return;
    }
    String keyName = name.isEmpty() ? "unnamed" : name;
    answer(
        context,
        201,
        keys.create(tenant, keyName)
            .invoke(
                created ->
                    LOG.infof("API key %s created for tenant %s", created.key().id(), tenant))
            .map(
                created ->
                    new CreatedView(
                        created.key().id(),
                        created.key().tenant(),
                        created.key().name(),
                        created.key().createdAt(),
                        created.plaintext())));
  }

  private void list(RoutingContext context) {
    List<String> tenants = context.queryParam("tenant");
    Optional<String> tenant = tenants.isEmpty() ? Optional.empty() : Optional.of(tenants.get(0));
    answer(
        context,
        200,
        keys.list(tenant).map(found -> Map.of("items", found.stream().map(KeyView::of).toList())));
  }

  private void revoke(RoutingContext context) {
    String id = context.pathParam("id");
    keys.revoke(id)
        .subscribe()
        .with(
            found -> {
              if (found) {
                LOG.infof("API key %s revoked", id);
                context.response().setStatusCode(204).end();
              } else {
                fail(context, GatewayProblem.notFound("API key", id));
              }
            },
            failure -> fail(context, asProblem(failure)));
  }

  private void answer(RoutingContext context, int status, Uni<?> work) {
    work.subscribe()
        .with(
            item -> {
              try {
                context
                    .response()
                    .setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(mapper.writeValueAsString(item));
              } catch (JsonProcessingException e) {
                fail(context, asProblem(e));
              }
            },
            failure -> fail(context, asProblem(failure)));
  }

  private static GatewayProblem asProblem(Throwable failure) {
    if (failure instanceof GatewayProblem problem) {
      return problem;
    }
    LOG.error("API key administration failed", failure);
    return new GatewayProblem(
        500, "internal", "Internal error", "the request failed unexpectedly", ErrorCode.E011, null);
  }

  private void fail(RoutingContext context, GatewayProblem problem) {
    try {
      context
          .response()
          .setStatusCode(problem.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
          .end(mapper.writeValueAsString(ProblemMappers.body(problem)));
    } catch (JsonProcessingException e) {
      context.response().setStatusCode(500).end();
    }
  }
}
