package io.logicgraph.fleet;

import static io.logicgraph.fleet.FleetClient.assertCompleted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ClaudeNode, OllamaNode and AINode (provider anthropic) through the REST API: worker-ai reaches
 * the Anthropic and Ollama APIs of the emulator, and each node writes {@code <id>_content} and
 * {@code <id>_result.content} with the emulator's answer.
 */
@ExtendWith(FleetExtension.class)
class LlmProvidersIT {
  private static final List<String> NODES = List.of("claude", "llama", "generic");

  @Test
  void anthropicAndOllamaProvidersAnswerThroughTheFleet(Fleet fleet) {
    FleetClient client = new FleetClient(fleet);
    String graphId = client.submit(FleetClient.graph("llm-providers.yaml"));

    JsonNode execution = client.run(graphId, Map.of("customer", "Ada", "product_id", "P-100"));

    String executionId = execution.path("id").asText();
    assertCompleted(execution, graphId, NODES);
    assertThat(execution.at("/nodes/claude/node_type").asText()).isEqualTo("ClaudeNode");
    assertThat(execution.at("/nodes/llama/node_type").asText()).isEqualTo("OllamaNode");
    assertThat(execution.at("/nodes/generic/node_type").asText()).isEqualTo("AINode");

    String claude =
        client.anthropicAnswer(
            "claude-haiku-4-5",
            "You answer in one line.",
            "Summarise the order of Ada for product P-100.",
            60);
    String llama =
        client.ollamaAnswer("llama3.2", "You are a gift advisor.", "Suggest a gift for Ada.", 60);
    String generic =
        client.anthropicAnswer("claude-sonnet-4-5", null, "Write a thank-you note to Ada.", 40);

    JsonNode results = client.results(executionId);
    assertThat(results.path("status").asText()).isEqualTo("completed");
    JsonNode context = results.path("context");
    assertAnswer(context, results, "claude", "claude-haiku-4-5", claude);
    assertAnswer(context, results, "llama", "llama3.2", llama);
    assertAnswer(context, results, "generic", "claude-sonnet-4-5", generic);
    assertThat(context.path("customer").asText()).isEqualTo("Ada");
  }

  private static void assertAnswer(
      JsonNode context, JsonNode results, String node, String model, String expected) {
    assertThat(expected).startsWith("[emulator] ");
    assertThat(context.path(node + "_content").asText()).as(node + "_content").isEqualTo(expected);
    JsonNode result = context.path(node + "_result");
    assertThat(result.path("content").asText()).as(node + "_result.content").isEqualTo(expected);
    assertThat(result.path("model").asText()).as(node + "_result.model").isEqualTo(model);
    assertThat(result.path("finish_reason").asText())
        .as(node + "_result.finish_reason")
        .isEqualTo("stop");
    assertThat(result.at("/usage/completion_tokens").asInt())
        .as(node + "_result.usage.completion_tokens")
        .isPositive();
    assertThat(results.path("outputs").path(node)).as("outputs." + node).isEqualTo(result);
  }
}
