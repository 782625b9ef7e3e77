package io.logicgraph.worker.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logicgraph.model.context.Template;
import io.logicgraph.model.error.ErrorCode;
import io.logicgraph.model.error.LogicGraphException;
import io.logicgraph.model.graph.NodeDefinition;
import io.logicgraph.model.graph.NodeType;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.NodeTask;
import io.logicgraph.model.worker.PoolRunner;
import io.logicgraph.model.worker.WorkerConfig;
import io.logicgraph.worker.ai.provider.ChatRequest;
import io.logicgraph.worker.ai.provider.Completion;
import io.logicgraph.worker.ai.provider.LlmProvider;
import io.logicgraph.worker.ai.provider.ProviderException;
import io.logicgraph.worker.ai.provider.Providers;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs one LLM node attempt: picks the provider, renders the prompts from the context, calls the
 * provider (behind its circuit breaker and bulkhead) within the attempt's deadline and returns
 * {@code <id>_result} = {content, model, finish_reason, usage} and {@code <id>_content}.
 */
@Startup // providers built and their configuration logged at start, not on the first task
@ApplicationScoped
public class NodeRunner implements PoolRunner {
  /** Time kept after the provider call for publishing the result before the deadline. */
  private static final Duration DEADLINE_MARGIN = Duration.ofMillis(200);

  private static final Logger LOG = Logger.getLogger(NodeRunner.class);

  private final Map<String, LlmProvider> providers;
  private final AiMetrics metrics;

  @Inject
  public NodeRunner(Vertx vertx, AiConfig config, WorkerConfig worker, AiMetrics metrics) {
    this(
        Providers.create(
            vertx,
            config,
            config.circuitBreaker(),
            config.bulkhead(),
            worker.concurrency(),
            "llm-"),
        metrics);
    LOG.infof(
        "LLM providers: openai at %s (%s), anthropic at %s (%s), ollama at %s",
        withoutUserInfo(config.openai().baseUrl()),
        config.openai().apiKey().filter(k -> !k.isBlank()).isPresent()
            ? "key set"
            : "no OPENAI_API_KEY: its nodes fail with E004",
        withoutUserInfo(config.anthropic().baseUrl()),
        config.anthropic().apiKey().filter(k -> !k.isBlank()).isPresent()
            ? "key set"
            : "no ANTHROPIC_API_KEY: its nodes fail with E004",
        withoutUserInfo(config.ollama().baseUrl()));
  }

  /** A base URL fit for the log: credentials in it ({@code user:pass@}) are masked. */
  private static String withoutUserInfo(String url) {
    return url.replaceAll("//[^/@]*@", "//***@");
  }

  /** With given providers (tests: breakers of their own). */
  public NodeRunner(Map<String, LlmProvider> providers, AiMetrics metrics) {
    this.providers = providers;
    this.metrics = metrics;
  }

  @Override
  public WorkerKind kind() {
    return WorkerKind.AI;
  }

  @Override
  public Uni<ObjectNode> run(NodeTask task, Instant deadline) {
    NodeDefinition node = task.node();
    LlmProvider provider = provider(task.nodeId(), node.nodeType(), node.text("provider"));
    provider.checkConfigured();
    String prompt = node.text("prompt");
    if (prompt == null || prompt.isBlank()) {
      throw new LogicGraphException(
          ErrorCode.E004, "node '" + task.nodeId() + "' has no prompt", false, null);
    }
    String system = node.text("system_prompt");
    String model = node.text("model") == null ? provider.defaultModel() : node.text("model");
    JsonNode temperature = number(task.nodeId(), node, "temperature");
    JsonNode maxTokens = number(task.nodeId(), node, "max_tokens");
    ChatRequest request =
        new ChatRequest(
            model,
            system == null ? null : Template.render(system, task.context()),
            Template.render(prompt, task.context()),
            temperature == null ? null : temperature.doubleValue(),
            maxTokens == null ? null : maxTokens.intValue());
    Duration timeout = timeout(deadline, provider.requestTimeout());
    Instant started = Instant.now();
    return provider
        .complete(request, timeout)
        .invoke(
            completion -> {
              metrics.request(
                  provider.name(), model, "ok", Duration.between(started, Instant.now()));
              metrics.tokens(
                  provider.name(), model, completion.promptTokens(), completion.completionTokens());
            })
        .onFailure()
        .invoke(
            e ->
                metrics.request(
                    provider.name(),
                    model,
                    e instanceof ProviderException p ? p.status() : "error",
                    Duration.between(started, Instant.now())))
        .map(completion -> output(task.nodeId(), completion, model));
  }

  private LlmProvider provider(String nodeId, NodeType type, String named) {
    if (type == null || type.worker() != WorkerKind.AI) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "node type " + (type == null ? "(none)" : type.typeName()) + " is not run by worker-ai",
          false,
          "the orchestrator routed the task to the wrong queue");
    }
    String name =
        switch (type) {
          case CLAUDE -> "anthropic";
          case OLLAMA -> "ollama";
          case AI -> named == null ? "openai" : named.toLowerCase(Locale.ROOT);
          default -> "openai";
        };
    LlmProvider provider = providers.get(name);
    if (provider == null) {
      throw new LogicGraphException(
          ErrorCode.E004,
          "provider '"
              + name
              + "' of node '"
              + nodeId
              + "' is not supported by this worker version",
          false,
          "supported providers: " + providers.keySet());
    }
    return provider;
  }

  private static JsonNode number(String nodeId, NodeDefinition node, String field) {
    JsonNode value = node.field(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new LogicGraphException(
          ErrorCode.E004, field + " of node '" + nodeId + "' must be a number", false, null);
    }
    return value;
  }

  private static Duration timeout(Instant deadline, Duration limit) {
    Duration left = Duration.between(Instant.now(), deadline).minus(DEADLINE_MARGIN);
    if (left.isNegative() || left.isZero()) {
      throw new LogicGraphException(
          ErrorCode.E005,
          "no time left before the attempt's deadline to call the provider",
          true,
          "raise the node's timeout_ms");
    }
    return left.compareTo(limit) < 0 ? left : limit;
  }

  private static ObjectNode output(String nodeId, Completion completion, String requestedModel) {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    ObjectNode result = output.putObject(nodeId + "_result");
    result.put("content", completion.content());
    result.put("model", completion.model() == null ? requestedModel : completion.model());
    result.put("finish_reason", completion.finishReason());
    result
        .putObject("usage")
        .put("prompt_tokens", completion.promptTokens())
        .put("completion_tokens", completion.completionTokens());
    output.put(nodeId + "_content", completion.content());
    return output;
  }
}
