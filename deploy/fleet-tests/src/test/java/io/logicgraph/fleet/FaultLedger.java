package io.logicgraph.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The fault suite's independent bookkeeping. For a {@link FaultWorkload.Run} it measures, rather
 * than assumes:
 *
 * <ul>
 *   <li><b>accepted</b>: executions the gateway answered 2xx to (counted by the generator);
 *   <li><b>lost</b>: accepted executions that are not terminal within the recovery bound, ended in
 *       another status than expected, with a final context other than the one computed here from
 *       the input, or whose DB nodes completed without their effect row;
 *   <li><b>applied twice</b>: node attempts whose effect the orchestrator applied more than once:
 *       more than one applied success of one node ({@code node_attempts}), a node re-dispatched
 *       after an attempt of it had already succeeded, or more attempts recorded than the execution
 *       reports;
 *   <li><b>re-runs</b>: extra runs of a worker-side effect (the DB nodes' rows count their runs):
 *       at-least-once delivery re-runs a task whose worker died before its result was confirmed;
 *       the effect is idempotent (keyed by workload item and node), so a re-run is counted, not
 *       applied again;
 *   <li><b>recovery</b>: time from the end of the fault to the moment every accepted execution was
 *       terminal.
 * </ul>
 */
final class FaultLedger {
  private static final Path FIGURES = Path.of("target", "faults", "figures.tsv");

  /** What a correct execution of a graph looks like for one workload item. */
  interface Expectation {
    List<String> nodes();

    /** DB nodes whose effect row must exist once they completed. */
    List<String> effectNodes();

    /** The final context (an LLM node's {@code X_result} is left out of the comparison). */
    ObjectNode context(FaultWorkload.Item item, FleetClient client);

    /** LLM nodes whose {@code X_result} is not compared. */
    default List<String> llmNodes() {
      return List.of();
    }
  }

  /** fault-workload.yaml: check → (write, ask, parity) → join → record. */
  static final Expectation WORKLOAD =
      new Expectation() {
        private final Map<String, String> answers = new HashMap<>();

        @Override
        public List<String> nodes() {
          return List.of("check", "write", "ask", "parity", "join", "record");
        }

        @Override
        public List<String> effectNodes() {
          return List.of("write", "record");
        }

        @Override
        public List<String> llmNodes() {
          return List.of("ask");
        }

        @Override
        public ObjectNode context(FaultWorkload.Item item, FleetClient client) {
          ObjectNode c = FleetClient.JSON.createObjectNode();
          c.put("wid", item.wid());
          c.put("n", item.n());
          c.put("check_result", true);
          c.putArray("write_result").addObject().put("wid", item.wid());
          c.put("write_count", 1);
          c.put("ask_content", answer(item, client));
          c.put("parity_result", item.n() % 2 == 0);
          c.put("join_result", true);
          c.putArray("record_result").addObject().put("wid", item.wid());
          c.put("record_count", 1);
          return c;
        }

        private synchronized String answer(FaultWorkload.Item item, FleetClient client) {
          return answers.computeIfAbsent(
              item.wid(),
              wid ->
                  client.llmAnswer(
                      "gpt-4o-mini",
                      "You are a terse ledger clerk.",
                      "Workload item " + wid + ".",
                      0,
                      20));
        }
      };

  /** fault-join20.yaml: start → p01..p20 → join (a DB node). */
  static final Expectation JOIN20 =
      new Expectation() {
        @Override
        public List<String> nodes() {
          List<String> nodes = new ArrayList<>(List.of("start", "join"));
          for (int i = 1; i <= 20; i++) {
            nodes.add(String.format("p%02d", i));
          }
          return nodes;
        }

        @Override
        public List<String> effectNodes() {
          return List.of("join");
        }

        @Override
        public ObjectNode context(FaultWorkload.Item item, FleetClient client) {
          ObjectNode c = FleetClient.JSON.createObjectNode();
          c.put("wid", item.wid());
          c.put("n", item.n());
          c.put("start_result", true);
          for (int i = 1; i <= 20; i++) {
            c.put(String.format("p%02d_result", i), true);
          }
          c.putArray("join_result").addObject().put("wid", item.wid());
          c.put("join_count", 1);
          return c;
        }
      };

  /** The figures of one fault run. */
  record Report(
      String fault,
      int submitted,
      int accepted,
      int terminal,
      int correct,
      List<String> lost,
      List<String> appliedTwice,
      int reruns,
      int staleIgnored,
      int timedOutAttempts,
      long recoveryMillis,
      Duration bound) {

    String line() {
      return String.format(
          "[%s] %s: submitted=%d accepted=%d terminal=%d correct=%d lost=%d applied_twice=%d"
              + " reruns=%d stale_results_ignored=%d timed_out_attempts=%d recovery_ms=%d"
              + " (bound %d s)",
          FaultWorkload.Size.current().name(),
          fault,
          submitted,
          accepted,
          terminal,
          correct,
          lost.size(),
          appliedTwice.size(),
          reruns,
          staleIgnored,
          timedOutAttempts,
          recoveryMillis,
          bound.toSeconds());
    }

    /** Every accepted execution terminal and right, 0 lost, 0 applied twice, within the bound. */
    void assertClean() {
      assertThat(accepted).as("accepted of %s", line()).isEqualTo(submitted);
      assertThat(lost).as("lost executions: %s", line()).isEmpty();
      assertThat(appliedTwice).as("applied twice: %s", line()).isEmpty();
      assertThat(correct).as(line()).isEqualTo(accepted);
      assertThat(Duration.ofMillis(recoveryMillis))
          .as("recovery after the fault ended: %s", line())
          .isLessThanOrEqualTo(bound);
    }
  }

  private FaultLedger() {}

  /**
   * Waits (up to {@code bound} after {@code faultEnded}) until every accepted execution of the run
   * is terminal, then checks each one; prints the figures and appends them to {@code
   * target/faults/figures.tsv}.
   */
  static Report settle(
      String fault,
      FaultWorkload.Run run,
      Expectation expectation,
      Instant faultEnded,
      Duration bound) {
    Fleet fleet = run.workload().fleet();
    FleetClient client = new FleetClient(fleet);
    Map<String, String> accepted = run.accepted();
    Map<String, JsonNode> terminal = new LinkedHashMap<>();
    long deadline =
        TimeUnit.MILLISECONDS.toNanos(faultEnded.toEpochMilli() + bound.toMillis())
            - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis())
            + System.nanoTime();
    Instant allTerminal = null;
    while (true) {
      for (Map.Entry<String, String> e : accepted.entrySet()) {
        if (!terminal.containsKey(e.getKey())) {
          poll(client, e.getValue())
              .filter(x -> FleetClient.TERMINAL.contains(x.path("status").asText()))
              .ifPresent(x -> terminal.put(e.getKey(), x));
        }
      }
      if (terminal.size() == accepted.size()) {
        allTerminal = Instant.now();
        break;
      }
      if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(30)) {
        break; // keep looking a little past the bound, to report how late it was
      }
      FaultWorkload.pause(Duration.ofMillis(500));
    }
    long recovery =
        allTerminal == null
            ? Long.MAX_VALUE
            : Math.max(0, Duration.between(faultEnded, allTerminal).toMillis());

    List<String> lost = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    int correct = 0;
    Map<String, FaultWorkload.Item> items = new HashMap<>();
    run.items().forEach(i -> items.put(i.wid(), i));
    Set<String> executionIds = new HashSet<>(accepted.values());
    Map<String, List<Map<String, Object>>> attempts = attemptsByNode(fleet, executionIds);
    Map<String, Integer> effects = effects(fleet, accepted.keySet());
    int reruns = 0;
    int stale = 0;
    int timedOut = 0;
    for (Map.Entry<String, String> e : accepted.entrySet()) {
      String wid = e.getKey();
      String id = e.getValue();
      JsonNode execution = terminal.get(wid);
      if (execution == null) {
        lost.add(wid + " (" + id + "): not terminal");
        continue;
      }
      String problem = check(client, expectation, items.get(wid), id, execution);
      for (String node : expectation.nodes()) {
        List<Map<String, Object>> rows = attempts.getOrDefault(id + "/" + node, List.of());
        int succeeded = 0;
        int maxAttempt = 0;
        boolean succeededBefore = false;
        for (Map<String, Object> row : rows) {
          String outcome = (String) row.get("outcome");
          int attempt = ((Number) row.get("attempt")).intValue();
          maxAttempt = Math.max(maxAttempt, attempt);
          if (succeededBefore) {
            twice.add(id + "/" + node + ": attempt " + attempt + " after a success");
          }
          switch (outcome) {
            case "succeeded" -> {
              succeeded++;
              succeededBefore = true;
            }
            case "stale" -> stale++;
            case "timed_out" -> timedOut++;
            default -> {}
          }
        }
        if (succeeded > 1) {
          twice.add(id + "/" + node + ": " + succeeded + " applied successes");
        }
        int reported = execution.at("/nodes/" + node + "/attempts").asInt(0);
        if (maxAttempt > reported) {
          twice.add(
              id + "/" + node + ": attempt " + maxAttempt + " recorded, " + reported + " reported");
        }
      }
      for (String node : expectation.effectNodes()) {
        Integer runs = effects.get(wid + "/" + node);
        if (runs == null) {
          if (problem == null) {
            problem = "node " + node + " completed without its effect row";
          }
        } else {
          reruns += runs - 1;
        }
      }
      if (problem == null) {
        correct++;
      } else {
        lost.add(wid + " (" + id + "): " + problem);
      }
    }
    Report report =
        new Report(
            fault,
            run.items().size(),
            accepted.size(),
            terminal.size(),
            correct,
            lost,
            twice,
            reruns,
            stale,
            timedOut,
            recovery,
            bound);
    System.out.println("FAULT " + report.line());
    if (!lost.isEmpty()) {
      System.out.println("  lost (first 10): " + lost.subList(0, Math.min(10, lost.size())));
    }
    if (!twice.isEmpty()) {
      System.out.println(
          "  applied twice (first 10): " + twice.subList(0, Math.min(10, twice.size())));
    }
    record(report);
    return report;
  }

  /** Null when the execution is right, else what is wrong with it. */
  private static String check(
      FleetClient client,
      Expectation expectation,
      FaultWorkload.Item item,
      String id,
      JsonNode execution) {
    if (!"completed".equals(execution.path("status").asText())) {
      return "ended " + execution.path("status").asText() + " " + execution.path("error");
    }
    for (String node : expectation.nodes()) {
      String status = execution.at("/nodes/" + node + "/status").asText();
      if (!"completed".equals(status)) {
        return "node " + node + " " + status;
      }
    }
    JsonNode results;
    try {
      results = client.results(id);
    } catch (AssertionError | Exception e) {
      return "results unreadable: " + e.getMessage();
    }
    ObjectNode context = results.path("context").deepCopy();
    for (String llm : expectation.llmNodes()) {
      JsonNode result = context.remove(llm + "_result");
      String content = context.path(llm + "_content").asText();
      String resultText =
          result == null
              ? null
              : result.isTextual() ? result.asText() : result.path("content").asText();
      if (!content.equals(resultText)) {
        return llm + "_result " + result + " does not carry " + llm + "_content";
      }
    }
    ObjectNode expected = expectation.context(item, client);
    if (!context.equals(expected)) {
      return "context " + context + " != expected " + expected;
    }
    return null;
  }

  private static Optional<JsonNode> poll(FleetClient client, String id) {
    try {
      return client.poll(id);
    } catch (Exception e) { // the gateway is down or restarting (IOExceptions thrown unchecked)
      return Optional.empty();
    }
  }

  private static Map<String, List<Map<String, Object>>> attemptsByNode(
      Fleet fleet, Set<String> executionIds) {
    Map<String, List<Map<String, Object>>> byNode = new HashMap<>();
    if (executionIds.isEmpty()) {
      return byNode;
    }
    for (Map<String, Object> row :
        fleet
            .database("state")
            .rows(
                "SELECT execution_id::text AS execution_id, node_id, attempt, outcome"
                    + " FROM node_attempts WHERE execution_id::text = ANY (string_to_array(?, ','))"
                    + " ORDER BY execution_id, node_id, attempt",
                String.join(",", executionIds))) {
      byNode
          .computeIfAbsent(
              row.get("execution_id") + "/" + row.get("node_id"), k -> new ArrayList<>())
          .add(row);
    }
    return byNode;
  }

  private static Map<String, Integer> effects(Fleet fleet, Set<String> wids) {
    Map<String, Integer> effects = new HashMap<>();
    if (wids.isEmpty()) {
      return effects;
    }
    for (Map<String, Object> row :
        fleet
            .database(Fleet.SHOP_DB)
            .rows(
                "SELECT wid, node_id, runs FROM "
                    + FaultWorkload.EFFECTS_TABLE
                    + " WHERE wid = ANY (string_to_array(?, ','))",
                String.join(",", wids))) {
      effects.put(row.get("wid") + "/" + row.get("node_id"), ((Number) row.get("runs")).intValue());
    }
    return effects;
  }

  private static void record(Report report) {
    try {
      Files.createDirectories(FIGURES.getParent());
      Files.writeString(
          FIGURES,
          String.join(
                  "\t",
                  Instant.now().toString(),
                  FaultWorkload.Size.current().name(),
                  report.fault(),
                  String.valueOf(report.accepted()),
                  String.valueOf(report.lost().size()),
                  String.valueOf(report.appliedTwice().size()),
                  String.valueOf(report.reruns()),
                  String.valueOf(report.recoveryMillis()),
                  String.valueOf(report.bound().toSeconds()))
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("cannot record fault figures: " + e.getMessage());
    }
  }
}
