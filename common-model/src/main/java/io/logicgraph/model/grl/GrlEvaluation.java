package io.logicgraph.model.grl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of running a rule set over facts.
 *
 * @param assigned every fact a rule assigned, with its final value, in order of first assignment
 *     (what a GrlNode merges into the context)
 * @param facts all facts at the end: the input with the assignments applied
 * @param cycles cycles run
 * @param firedRules names of the rules that fired, in firing order (a rule may appear once per
 *     cycle)
 * @param log lines written by {@code Log(...)} actions (bounded)
 * @param capped true when evaluation stopped at the cycle limit while rules still changed facts
 */
public record GrlEvaluation(
    Map<String, JsonNode> assigned,
    Map<String, JsonNode> facts,
    int cycles,
    List<String> firedRules,
    List<String> log,
    boolean capped) {

  public GrlEvaluation {
    assigned = Collections.unmodifiableMap(new LinkedHashMap<>(assigned));
    facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    firedRules = List.copyOf(firedRules);
    log = List.copyOf(log);
  }

  public int rulesFired() {
    return firedRules.size();
  }
}
